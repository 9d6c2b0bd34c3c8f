/**
 * What a page downloads to classify text, minified and gzipped (weights excluded): the runtime package's one file,
 * what `loadClassifier` of the full library pulls in (JS + the TF.js wasm binary a page loads), and Transformers.js
 * with the onnxruntime-web wasm it loads in a browser. Bundles are built with esbuild (browser, ESM, minified).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { SOURCE_CONDITION } from '../../packages/core/test-support/browser';
import { repoRoot } from '../lib/data';

export interface SizePart {
  readonly name: string;
  readonly bytes: number;
  readonly gzip: number;
}
export interface SizeRow {
  readonly what: string;
  readonly parts: readonly SizePart[];
}

const part = (name: string, bytes: Uint8Array): SizePart => ({
  name,
  bytes: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
});

async function bundle(code: string, conditions: string[]): Promise<Uint8Array> {
  const r = await build({
    stdin: { contents: code, resolveDir: repoRoot, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
    conditions,
    define: { 'process.env.NODE_ENV': '"production"' },
    // Node built-ins that browser builds of some packages still name (never reached in a page)
    external: ['node:*', 'fs', 'path', 'url', 'sharp', 'onnxruntime-node'],
  });
  return r.outputFiles[0]!.contents;
}

export async function measureSizes(): Promise<SizeRow[]> {
  const require = createRequire(path.join(repoRoot, 'package.json'));
  const runtime = readFileSync(path.join(repoRoot, 'packages/classify/dist/classify.min.js'));
  const library = await bundle("export { loadClassifier, useBackend } from '@browser-bert/core';\n", [
    SOURCE_CONDITION,
  ]);
  const tfjsWasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const transformers = await bundle("export { pipeline } from '@huggingface/transformers';\n", []);
  // the onnxruntime-web that Transformers.js itself depends on (its own copy when the versions differ)
  const tjsDir = path.join(repoRoot, 'node_modules/@huggingface/transformers');
  const nested = path.join(tjsDir, 'node_modules/onnxruntime-web/dist');
  const ortDist = existsSync(nested) ? nested : path.join(repoRoot, 'node_modules/onnxruntime-web/dist');
  return [
    { what: '@browser-bert/classify (classify.min.js, kernel wasm inside)', parts: [part('JS + wasm', runtime)] },
    {
      what: 'full library: loadClassifier + useBackend from @browser-bert/core',
      parts: [
        part('JS (kernel wasm inside)', library),
        part(
          'tfjs-backend-wasm-threaded-simd.wasm',
          readFileSync(path.join(tfjsWasmDir, 'dist/tfjs-backend-wasm-threaded-simd.wasm')),
        ),
      ],
    },
    {
      what: 'Transformers.js pipeline (+ onnxruntime-web as it loads in a browser)',
      parts: [
        part('JS', transformers),
        part(
          'ort-wasm-simd-threaded.asyncify.mjs',
          readFileSync(path.join(ortDist, 'ort-wasm-simd-threaded.asyncify.mjs')),
        ),
        part(
          'ort-wasm-simd-threaded.asyncify.wasm',
          readFileSync(path.join(ortDist, 'ort-wasm-simd-threaded.asyncify.wasm')),
        ),
      ],
    },
  ];
}
