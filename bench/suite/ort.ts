/**
 * ONNX Runtime Web beside TF.js: the same checkpoint exported by ../shared/tools/bert-to-onnx, fed the same
 * token ids, mean-pooled in JS the way Transformers.js' feature-extraction pipeline does (sum of real-token rows /
 * count).
 */
import type * as OrtNs from 'onnxruntime-web';
import type { Encoding } from '@browser-bert/core';

export type Ort = typeof OrtNs;

export interface OrtRunner {
  /** Runs the given batches (index lists into `encodings`); returns n × hidden mean-pooled rows in input order. */
  embed(encodings: readonly Encoding[], batches: readonly (readonly number[])[]): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function createOrtRunner(ort: Ort, onnx: Uint8Array, hidden: number): Promise<OrtRunner> {
  const session = await ort.InferenceSession.create(onnx, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  return {
    async embed(encodings, batches) {
      const out = new Float32Array(encodings.length * hidden);
      for (const idx of batches) {
        const B = idx.length;
        let S = 1;
        for (const i of idx) S = Math.max(S, encodings[i]!.inputIds.length);
        const ids = new BigInt64Array(B * S);
        const mask = new BigInt64Array(B * S);
        const types = new BigInt64Array(B * S);
        idx.forEach((i, b) => {
          const e = encodings[i]!;
          for (let t = 0; t < e.inputIds.length; t++) {
            ids[b * S + t] = BigInt(e.inputIds[t]!);
            types[b * S + t] = BigInt(e.tokenTypeIds[t]!);
            mask[b * S + t] = 1n;
          }
        });
        const feeds = {
          input_ids: new ort.Tensor('int64', ids, [B, S]),
          attention_mask: new ort.Tensor('int64', mask, [B, S]),
          token_type_ids: new ort.Tensor('int64', types, [B, S]),
        };
        const res = await session.run(feeds, ['last_hidden_state']);
        const hs = res.last_hidden_state!;
        const h = hs.data as Float32Array;
        idx.forEach((i, b) => {
          const n = encodings[i]!.inputIds.length;
          const row = out.subarray(i * hidden, (i + 1) * hidden);
          for (let t = 0; t < n; t++) {
            const base = (b * S + t) * hidden;
            for (let k = 0; k < hidden; k++) row[k] = row[k]! + h[base + k]!;
          }
          for (let k = 0; k < hidden; k++) row[k] = row[k]! / n;
        });
        hs.dispose();
        for (const t of Object.values(feeds)) t.dispose();
      }
      return out;
    },
    release: () => session.release(),
  };
}
