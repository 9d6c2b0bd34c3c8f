import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import { classWeightsFor, weightedCrossEntropy } from '../../src/train/loss';
import { createRng, deriveSeed } from '../../src/train/random';

before(async () => {
  await initNodeBackend('wasm');
});

test('class-weighted cross-entropy equals the hand-computed Σ wᵢ·CEᵢ / Σ wᵢ', () => {
  const logits = [
    [2, 0],
    [0, 1],
    [1, 1],
  ];
  const labels = [0, 1, 1];
  const w = [1, 3];
  let num = 0;
  let den = 0;
  logits.forEach((row, i) => {
    const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
    const ce = lse - row[labels[i]!]!;
    num += w[labels[i]!]! * ce;
    den += w[labels[i]!]!;
  });
  const got = tf.tidy(
    () => weightedCrossEntropy(tf.tensor2d(logits), tf.tensor1d(labels, 'int32'), tf.tensor1d(w)).dataSync()[0]!,
  );
  assert.ok(Math.abs(got - num / den) < 1e-6, `${got} vs ${num / den}`);
});

test("'balanced' class weights are n / (classes · count), 'none' all ones", () => {
  const y = Int32Array.from([0, 0, 0, 1]);
  assert.deepEqual(Array.from(classWeightsFor(y, 2, 'none')), [1, 1]);
  const w = classWeightsFor(y, 2, 'balanced');
  assert.ok(Math.abs(w[0]! - 4 / 6) < 1e-6 && Math.abs(w[1]! - 2) < 1e-6);
});

test('the PRNG is deterministic per seed, uniform-ish, and shuffles are permutations', () => {
  const a = createRng(7);
  const b = createRng(7);
  const xs = Array.from({ length: 1000 }, () => a.next());
  assert.deepEqual(
    xs,
    Array.from({ length: 1000 }, () => b.next()),
  );
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(mean > 0.45 && mean < 0.55 && xs.every((x) => x >= 0 && x < 1));
  const perm = createRng(1).shuffle(Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(
    [...perm].sort((p, q) => p - q),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.notEqual(deriveSeed(1, 'shuffle'), deriveSeed(1, 'dropout'));
  assert.notEqual(deriveSeed(1, 'shuffle'), deriveSeed(2, 'shuffle'));
});
