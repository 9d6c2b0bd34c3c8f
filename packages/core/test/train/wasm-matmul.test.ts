import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import { createRng } from '../../src/train/random';
import { useFastWasmBatchMatMul } from '../../src/train/wasm-matmul';

before(async () => {
  await initNodeBackend('wasm');
});

/** float64 reference: batch of a (or aᵀ) · b (or bᵀ). */
function reference(
  a: Float32Array,
  b: Float32Array,
  B: number,
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
) {
  const out = new Float64Array(B * m * n);
  for (let z = 0; z < B; z++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = tA ? a[z * k * m + p * m + i]! : a[z * m * k + i * k + p]!;
          const bv = tB ? b[z * n * k + j * k + p]! : b[z * k * n + p * n + j]!;
          s += av * bv;
        }
        out[z * m * n + i * n + j] = s;
      }
  return out;
}

test('the wrapped wasm BatchMatMul gives the right products for every transpose combination, without leaks', () => {
  assert.equal(useFastWasmBatchMatMul(), true);
  const rng = createRng(1);
  const rand = (len: number) => Float32Array.from({ length: len }, () => rng.next() * 2 - 1);
  const [B, m, k, n] = [3, 5, 7, 4];
  const before = tf.memory().numTensors;
  for (const tA of [false, true])
    for (const tB of [false, true]) {
      const a = rand(B * m * k);
      const b = rand(B * k * n);
      const got = tf.tidy(() =>
        tf
          .matMul(tf.tensor3d(a, tA ? [B, k, m] : [B, m, k]), tf.tensor3d(b, tB ? [B, n, k] : [B, k, n]), tA, tB)
          .dataSync(),
      );
      const want = reference(a, b, B, m, k, n, tA, tB);
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-5, `tA=${tA} tB=${tB} at ${i}`);
      // 2-D operands too (the dense layers' weight gradients)
      const got2 = tf.tidy(() =>
        tf
          .matMul(
            tf.tensor2d(a.subarray(0, m * k), tA ? [k, m] : [m, k]),
            tf.tensor2d(b.subarray(0, k * n), tB ? [n, k] : [k, n]),
            tA,
            tB,
          )
          .dataSync(),
      );
      const want2 = reference(a.subarray(0, m * k), b.subarray(0, k * n), 1, m, k, n, tA, tB);
      for (let i = 0; i < want2.length; i++) assert.ok(Math.abs(got2[i]! - want2[i]!) < 1e-5, `2-D tA=${tA} tB=${tB}`);
    }
  assert.equal(tf.memory().numTensors, before);
});
