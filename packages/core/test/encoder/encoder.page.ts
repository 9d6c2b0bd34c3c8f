// Page script for encoder.browser.test.ts (bundled by esbuild; runs in Chromium on the wasm backend, or on the
// backend named by ?backend=, e.g. webgpu).
// Rebuilds the same seeded random weights as the Node side, runs the encoder on the given token ids and reports
// the max |Δ| against the float64 reference outputs computed in Node.
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/runtime/backend';
import { parseBertConfig } from '../../src/config/parse';
import { createBertEncoder } from '../../src/encoder/bert-encoder';
import { withInference } from '../../src/kernel/attach';
import { randomBertWeights, type RandomWeightsOptions } from '../../test-support/reference-bert';
import type { PaddedBatch } from '../../src/encoder/types';

export interface PageCase {
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly weights: RandomWeightsOptions;
  readonly texts: number[][];
  /** Float64 file: per text, its last_hidden_state rows, then its pooler output (when the weights have one). */
  readonly expected: string;
}

const g = globalThis as unknown as { __done?: unknown; __result?: unknown };

function pad(seqs: number[][]): PaddedBatch {
  const S = Math.max(...seqs.map((s) => s.length));
  const B = seqs.length;
  const inputIds = new Int32Array(B * S);
  const attentionMask = new Int32Array(B * S);
  seqs.forEach((s, b) => {
    inputIds.set(s, b * S);
    attentionMask.fill(1, b * S, b * S + s.length);
  });
  return { batchSize: B, seqLen: S, inputIds, tokenTypeIds: new Int32Array(B * S), attentionMask };
}

try {
  const wanted = new URLSearchParams(location.search).get('backend') ?? 'wasm';
  const backend = await useBackend(wanted as 'wasm' | 'webgpu', { wasmPaths: new URL('./wasm/', location.href).href });
  const cases = (await (await fetch('./cases.json')).json()) as PageCase[];
  const results: Record<string, { maxDiff: number; kernelMaxDiff: number; texts: number; leaked: number }> = {};
  for (const c of cases) {
    const config = parseBertConfig(c.config);
    const H = config.hiddenSize;
    const expected = new Float64Array(await (await fetch(`./${c.expected}`)).arrayBuffer());
    const enc = createBertEncoder(config, randomBertWeights(config, c.weights));
    let maxDiff = 0;
    let at = 0;
    let before = -1;
    for (let s = 0; s < c.texts.length; s += 8) {
      const chunk = c.texts.slice(s, s + 8);
      const batch = pad(chunk);
      const out = enc.forward(batch, { pooler: enc.hasPooler });
      const last = await out.lastHiddenState.data(); // async: GPU backends download without blocking
      const pooled = await out.poolerOutput?.data();
      tf.dispose([out.lastHiddenState, ...(out.poolerOutput ? [out.poolerOutput] : [])]);
      if (before < 0) before = tf.memory().numTensors; // after the first batch (warm-up)
      chunk.forEach((ids, b) => {
        for (let t = 0; t < ids.length; t++)
          for (let h = 0; h < H; h++) {
            const d = Math.abs(last[(b * batch.seqLen + t) * H + h]! - expected[at++]!);
            if (!(d <= maxDiff)) maxDiff = d;
          }
        if (pooled)
          for (let h = 0; h < H; h++) maxDiff = Math.max(maxDiff, Math.abs(pooled[b * H + h]! - expected[at++]!));
      });
    }
    const leaked = tf.memory().numTensors - before;
    if (at !== expected.length) throw new Error(`${c.name}: compared ${at} of ${expected.length} expected values`);
    // The same texts through the wasm-simd kernel engine (web Workers from a Blob URL, 2 of them), one batch.
    const kernel = withInference(enc, { inference: 'wasm-simd', inferenceThreads: 2 });
    const batch = pad(c.texts);
    const [rows, pooled] = await Promise.all([
      kernel.inference!.run(batch, 'none'),
      kernel.hasPooler ? kernel.inference!.run(batch, 'pooler') : undefined,
    ]);
    let kernelMaxDiff = 0;
    at = 0;
    c.texts.forEach((ids, b) => {
      for (let i = 0; i < ids.length * H; i++) {
        const d = Math.abs(rows.data[rows.seqStart[b]! * H + i]! - expected[at++]!);
        if (!(d <= kernelMaxDiff)) kernelMaxDiff = d;
      }
      if (pooled)
        for (let h = 0; h < H; h++)
          kernelMaxDiff = Math.max(kernelMaxDiff, Math.abs(pooled.data[b * H + h]! - expected[at++]!));
    });
    kernel.dispose();
    results[c.name] = { maxDiff, kernelMaxDiff, texts: c.texts.length, leaked };
  }
  g.__result = {
    backend,
    simd: backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : false,
    threads: backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') : false,
    results,
    tensorsAfterDispose: tf.memory().numTensors,
  };
  g.__done = true;
} catch (e) {
  g.__done = String((e as Error).stack ?? e);
}
