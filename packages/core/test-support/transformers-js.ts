/**
 * Test/bench helper (Node): Transformers.js (`@huggingface/transformers`) running on onnxruntime-web's wasm build,
 * fully offline. Transformers.js uses a runtime injected at `globalThis[Symbol.for('onnxruntime')]` instead of
 * onnxruntime-node; we inject the onnxruntime-web copy Transformers.js itself depends on (same version it runs on in
 * browsers) with its wasm files from node_modules (otherwise it would point them at a CDN), and turn remote models off.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as TransformersJs from '@huggingface/transformers';
import type * as OrtWeb from 'onnxruntime-web';

type Ort = typeof OrtWeb;
type Transformers = typeof TransformersJs;
export type TextClassifier = (
  texts: string | string[],
  options?: { top_k?: number | null },
) => Promise<{ label: string; score: number }[] | { label: string; score: number }[][]>;

let ready: Promise<{ ort: Ort; transformers: Transformers }> | undefined;

/** Transformers.js with onnxruntime-web injected (once per process). */
export function transformersOnOrtWeb(): Promise<{
  ort: Ort;
  transformers: Transformers;
}> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    // its package.json is not exported: go up from the resolved entry (…/dist/transformers.node.cjs)
    const tjsDir = path.dirname(path.dirname(require.resolve('@huggingface/transformers')));
    const fromTjs = createRequire(path.join(tjsDir, 'package.json'));
    const ortDist = path.dirname(fromTjs.resolve('onnxruntime-web')); // …/onnxruntime-web/dist/ort.min.js
    const ort = (await import(pathToFileURL(path.join(ortDist, 'ort.node.min.mjs')).href)) as Ort;
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = pathToFileURL(ortDist + path.sep).href;
    ort.env.logLevel = 'error';
    (globalThis as Record<symbol, unknown>)[Symbol.for('onnxruntime')] = ort;
    const transformers = await import('@huggingface/transformers');
    transformers.env.allowRemoteModels = false;
    transformers.env.allowLocalModels = true;
    transformers.env.localModelPath = '';
    transformers.env.useFSCache = false;
    transformers.env.useBrowserCache = false;
    return { ort, transformers };
  })();
  return ready;
}

/** `pipeline('text-classification', folder, { local_files_only: true })` on onnxruntime-web wasm. */
export async function textClassificationPipeline(
  folder: string,
  dtype?: 'fp32' | 'fp16' | 'int8',
): Promise<TextClassifier> {
  const { transformers } = await transformersOnOrtWeb();
  const pipe = await transformers.pipeline('text-classification', folder, {
    local_files_only: true,
    // Node + an injected runtime: Transformers.js lists no devices of its own, and 'auto' hands ORT an empty
    // execution-provider list, which onnxruntime-web resolves to its wasm backend
    device: 'auto',
    ...(dtype ? { dtype } : {}),
  });
  return pipe as unknown as TextClassifier;
}
