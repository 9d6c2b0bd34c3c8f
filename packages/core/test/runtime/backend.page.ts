// Page script for backend.browser.test.ts (bundled by esbuild; runs in Chromium).
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/runtime/backend';

const g = globalThis as unknown as { __done?: unknown; __result?: unknown; crossOriginIsolated?: boolean };
try {
  const backend = await useBackend('wasm', { wasmPaths: new URL('./wasm/', location.href).href });
  const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 5, 6])).arraySync());
  g.__result = {
    backend,
    isolated: g.crossOriginIsolated === true,
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    threads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    sum,
  };
  g.__done = true;
} catch (e) {
  g.__done = String((e as Error).stack ?? e);
}
