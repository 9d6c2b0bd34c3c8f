// The suite in headless Chromium (bundled by esbuild, served on 127.0.0.1 with COOP/COEP by bench/browser-env.ts).
// TF.js wasm with SIMD + threads, ORT web wasm (loaded unbundled from /ort/ so its pthread workers load the right file).
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@browser-bert/core';
import type { SuiteContext } from './suite/context';
import type { Ort } from './suite/ort';
import { runSuite } from './suite/run-suite';
import type { EnvResult, ModelBytes, SuiteOptions } from './suite/types';

interface ModelRef {
  shape: string;
  configJson: unknown;
  vocabTxt: string;
  tokenizerConfig: unknown;
  safetensorsUrl: string;
  onnxUrl: string | null;
}

interface PageInput {
  texts: string[];
  labels: string[];
  opts: Omit<SuiteOptions, 'tfThreads' | 'ortThreads'>;
  threads: number;
  models: { tiny: ModelRef; minilm: ModelRef | null };
}

const g = globalThis as unknown as {
  __done?: unknown;
  __result?: unknown;
  __log?: string[];
  crossOriginIsolated?: boolean;
};
g.__log = [];
const log = (m: string): void => {
  console.log(m);
};

async function bytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

async function model(ref: ModelRef, withOnnx: boolean): Promise<ModelBytes> {
  return {
    shape: ref.shape,
    configJson: ref.configJson,
    vocabTxt: ref.vocabTxt,
    tokenizerConfig: ref.tokenizerConfig,
    safetensors: await bytes(ref.safetensorsUrl),
    onnx: ref.onnxUrl && withOnnx ? await bytes(ref.onnxUrl) : undefined,
  };
}

try {
  const input = (await (await fetch('./input.json')).json()) as PageInput;
  const backend = await useBackend('wasm', {
    wasmPaths: new URL('./wasm/', location.href).href,
    threads: input.threads,
  });
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  const multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
  let ort: Ort | undefined;
  try {
    const ortUrl = new URL('./ort/ort.wasm.min.mjs', location.href).href;
    ort = (await import(/* @vite-ignore */ ortUrl)) as Ort;
    ort.env.wasm.wasmPaths = new URL('./ort/', location.href).href;
    ort.env.wasm.numThreads = input.threads;
    ort.env.logLevel = 'error';
  } catch (e) {
    log(`onnxruntime-web not available: ${(e as Error).message}`);
  }
  const perf = performance as Performance & { memory?: { usedJSHeapSize: number; totalJSHeapSize: number } };
  const wasmHeap = (): number => {
    const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
    return b.wasm?.HEAPU8?.buffer.byteLength ?? 0;
  };
  const ctx: SuiteContext = {
    env: 'chromium',
    texts: input.texts,
    labels: input.labels,
    // Only what the selected sections use, so the memory run measures the pipeline, not the benchmark's inputs.
    models: {
      tiny: await model(input.models.tiny, input.opts.sections.includes('embed')),
      minilm:
        input.models.minilm && (input.opts.sections.includes('minilm') || input.opts.sections.includes('ftminilm'))
          ? await model(input.models.minilm, true)
          : undefined,
    },
    ort,
    opts: { ...input.opts, tfThreads: multithread ? input.threads : 1, ortThreads: input.threads },
    log,
    memory: () => ({
      jsHeapUsed: perf.memory?.usedJSHeapSize ?? NaN,
      jsHeapTotal: perf.memory?.totalJSHeapSize ?? NaN,
      tfWasmHeap: wasmHeap(),
    }),
    cpu:
      typeof (g as { __bbCpuMs?: unknown }).__bbCpuMs === 'function'
        ? () => (g as unknown as { __bbCpuMs: () => Promise<number> }).__bbCpuMs()
        : undefined,
    peakRss:
      typeof (g as { __bbPeakRss?: unknown }).__bbPeakRss === 'function'
        ? () => (g as unknown as { __bbPeakRss: () => Promise<number> }).__bbPeakRss()
        : undefined,
    state: {},
    rows: [],
  };
  const { rows, extra } = await runSuite(ctx);
  const result: EnvResult = {
    info: {
      env: 'chromium',
      backend,
      tfThreads: multithread ? input.threads : 1,
      simd,
      multithread,
      crossOriginIsolated: g.crossOriginIsolated === true,
      ort: ort ? { version: ort.env.versions.web ?? '?', threads: input.threads, simd: true } : undefined,
      userAgent: navigator.userAgent,
    },
    rows,
    profile: extra,
  };
  g.__result = result;
  g.__done = true;
} catch (e) {
  g.__done = String((e as Error).stack ?? e);
}
