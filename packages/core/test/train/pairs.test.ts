import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrainingError } from '../../src/errors';
import { samplePairs } from '../../src/train/pairs';

test('pairs: half positive (same class, two different texts), half negative, classes balanced, seeded', () => {
  // imbalanced: 10 of class 0, 3 of class 1, 2 of class 2
  const labels = [0, 0, 0, 1, 0, 0, 2, 0, 0, 1, 0, 0, 2, 1, 0];
  const p = samplePairs(labels, 600, 7);
  assert.deepEqual(samplePairs(labels, 600, 7), p, 'same seed, same pairs');
  assert.notDeepEqual(samplePairs(labels, 600, 8).a, p.a);
  const pos = Array.from(p.target).filter((t) => t === 1).length;
  assert.equal(pos, 300);
  const anchorsPos = [0, 0, 0];
  const anchorsNeg = [0, 0, 0];
  for (let i = 0; i < 600; i++) {
    const [a, b] = [p.a[i]!, p.b[i]!];
    if (p.target[i] === 1) {
      assert.equal(labels[a], labels[b], `pair ${i} is positive`);
      assert.notEqual(a, b, 'two different texts');
      anchorsPos[labels[a]!]!++;
    } else {
      assert.notEqual(labels[a], labels[b], `pair ${i} is negative`);
      anchorsNeg[labels[a]!]!++;
    }
  }
  assert.deepEqual(anchorsPos, [100, 100, 100], 'every class anchors as many positive pairs');
  assert.deepEqual(anchorsNeg, [100, 100, 100], 'and as many negative ones');
  // an odd count: one more positive
  assert.equal(Array.from(samplePairs(labels, 7, 1).target).filter((t) => t === 1).length, 4);
});

test('a class with one example anchors no positive pair; too few labels is a TrainingError', () => {
  const p = samplePairs([0, 0, 1], 20, 3);
  for (let i = 0; i < 20; i++) if (p.target[i] === 1) assert.deepEqual([p.a[i], p.b[i]].sort(), [0, 1]);
  assert.throws(() => samplePairs([0, 0, 0], 10, 1), TrainingError);
  assert.throws(() => samplePairs([0, 1, 2], 10, 1), TrainingError);
  assert.throws(() => samplePairs([0, 0, 1], 1, 1), TrainingError);
});
