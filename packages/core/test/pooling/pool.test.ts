import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import { l2Normalize, pool, poolOutput } from '../../src/pooling/pool';

before(async () => {
  await initNodeBackend('wasm');
});

// 2 texts × 3 positions × 2 hidden; text 1 has one padding position with large values that must not count.
const hidden = (): tf.Tensor3D =>
  tf.tensor3d([
    [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
    [
      [10, 20],
      [30, 40],
      [1000, -1000],
    ],
  ]);
const mask = (): tf.Tensor2D =>
  tf.tensor2d(
    [
      [1, 1, 1],
      [1, 1, 0],
    ],
    [2, 3],
    'int32',
  );

test('mean is mask-aware, cls is row 0, flatten concatenates, normalize gives unit rows', () => {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    assert.deepEqual(pool(hidden(), mask(), 'mean').arraySync(), [
      [3, 4],
      [20, 30],
    ]);
    assert.deepEqual(pool(hidden(), mask(), 'cls').arraySync(), [
      [1, 2],
      [10, 20],
    ]);
    assert.deepEqual(
      pool(hidden(), mask(), 'flatten', { flattenLength: 3 }).arraySync()[1],
      [10, 20, 30, 40, 1000, -1000],
    );
    const n = pool(hidden(), mask(), 'mean', { normalize: true }).arraySync();
    assert.ok(Math.abs(n[0]![0]! - 0.6) < 1e-6 && Math.abs(n[0]![1]! - 0.8) < 1e-6);
    assert.deepEqual(l2Normalize(tf.tensor2d([[0, 0]])).arraySync(), [[0, 0]]);
    assert.throws(() => pool(hidden(), mask(), 'flatten'), /padded to exactly 128 tokens, got 3/);
  });
  assert.equal(tf.memory().numTensors, before);
});

test("'pooler' uses the encoder's pooler output and explains when there is none", () => {
  tf.tidy(() => {
    const p = tf.tensor2d([[3, 4]]);
    assert.deepEqual(poolOutput({ lastHiddenState: hidden(), poolerOutput: p }, mask(), 'pooler').arraySync(), [
      [3, 4],
    ]);
    assert.throws(
      () => poolOutput({ lastHiddenState: hidden(), poolerOutput: undefined }, mask(), 'pooler'),
      /needs the encoder's pooler output/,
    );
  });
});
