import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import { activation, dense, layerNorm } from '../../src/encoder/ops';
import { erf, prng } from '../../test-support/reference-bert';

before(async () => {
  await initNodeBackend('wasm');
});

const rand = (shape: number[], seed: number): tf.Tensor => {
  const r = prng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => r() * 4 - 2),
    shape,
  );
};

test("dense's XNNPACK-friendly gradient equals tfjs-core's matMul gradient", () => {
  const x = tf.variable(rand([37, 24], 1) as tf.Tensor2D);
  const w = tf.variable(rand([24, 19], 2) as tf.Tensor2D);
  const b = tf.variable(rand([19], 3) as tf.Tensor1D);
  const loss = (y: tf.Tensor): tf.Scalar => tf.sum(tf.mul(y, tf.sin(y)));
  const mine = tf.variableGrads(() => loss(dense(x, w, b)), [x, w, b]);
  const theirs = tf.variableGrads(() => loss(tf.add(tf.matMul(x, w), b)), [x, w, b]);
  for (const v of [x, w, b]) {
    const a = mine.grads[v.name]!.dataSync() as Float32Array;
    const e = theirs.grads[v.name]!.dataSync() as Float32Array;
    const scale = e.reduce((m, q) => Math.max(m, Math.abs(q)), 0);
    const diff = a.reduce((m, q, i) => Math.max(m, Math.abs(q - e[i]!)), 0);
    assert.ok(scale > 0.1 && diff <= 1e-5 * scale, `${v.name}: ${diff} of ${scale}`);
  }
  tf.dispose([x, w, b, mine.value, theirs.value, ...Object.values(mine.grads), ...Object.values(theirs.grads)]);
});

test('activations and LayerNorm match their float64 definitions', () => {
  const xs = Array.from({ length: 201 }, (_, i) => -10 + i * 0.1);
  const x = tf.tensor2d(xs, [1, 201]);
  const check = (got: tf.Tensor, f: (v: number) => number, tol: number): void => {
    const g = got.dataSync();
    xs.forEach((v, i) => assert.ok(Math.abs(g[i]! - f(v)) <= tol, `x=${v}: ${g[i]} vs ${f(v)}`));
  };
  check(activation(x, 'gelu'), (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)), 2e-6);
  check(
    activation(x, 'gelu_new'),
    (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
    2e-6,
  );
  check(activation(x, 'relu'), (v) => Math.max(0, v), 1e-6); // float32 rounding of the inputs
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length + 1e-12);
  check(
    layerNorm(x, tf.fill([201], 2) as tf.Tensor1D, tf.fill([201], 0.5) as tf.Tensor1D, 1e-12),
    (v) => (2 * (v - mean)) / sd + 0.5,
    1e-5,
  );
  // The reference's own erf against known values (A&S table 7.1).
  assert.ok(Math.abs(erf(0.5) - 0.5204998778130465) < 1e-15);
  assert.ok(Math.abs(erf(2) - 0.9953222650189527) < 1e-15);
  assert.ok(Math.abs(erf(3) - 0.9999779095030014) < 1e-15);
  assert.ok(Math.abs(erf(-4.5) + 0.9999999998033839) < 1e-15);
});
