import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossValidate, stratifiedFolds } from '../../src/label/cross-validation';

test('stratified folds: every item in one fold, each class spread evenly, same seed → same folds', () => {
  const labels = [...Array(10).fill(0), ...Array(7).fill(1), ...Array(3).fill(2)];
  const f = stratifiedFolds(labels, 3, 9);
  assert.deepEqual(Array.from(stratifiedFolds(labels, 3, 9)), Array.from(f));
  assert.notDeepEqual(Array.from(stratifiedFolds(labels, 3, 10)), Array.from(f));
  for (const c of [0, 1, 2]) {
    const perFold = [0, 0, 0];
    labels.forEach((l, i) => l === c && perFold[f[i]!]!++);
    assert.ok(Math.max(...perFold) - Math.min(...perFold) <= 1, `class ${c}: ${perFold}`);
  }
  const sizes = [0, 0, 0];
  f.forEach((k) => sizes[k]!++);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `fold sizes ${sizes}`);
});

test('hand-worked: 1-nearest-neighbour on 1-D points, 3 folds → 5/6', () => {
  // A = {0, 1, 2}, B = {4, 10, 11}; stratified 3 folds = one A and one B each, whatever the shuffle.
  // B=4 is always closer to a remaining A (1 or 2, distance ≤ 3) than to a remaining B (≥ 6): wrong.
  // Every A has another A within 1–2 and B=4 (if present) is ≥ 2 away with ties impossible; 10 ↔ 11: right.
  const xs = [0, 1, 2, 4, 10, 11];
  const ys = [0, 0, 0, 1, 1, 1];
  const nn = (train: Int32Array, test: Int32Array) =>
    Array.from(test, (t) => {
      let best = train[0]!;
      for (const r of train) if (Math.abs(xs[r]! - xs[t]!) < Math.abs(xs[best]! - xs[t]!)) best = r;
      return ys[best]!;
    });
  for (const seed of [1, 2, 3, 4]) {
    const cv = crossValidate(ys, { folds: 3, seed }, nn)!;
    assert.equal(cv.folds, 3);
    assert.equal(cv.correct, 5);
    assert.equal(cv.total, 6);
    assert.equal(cv.accuracy, 5 / 6);
    assert.equal(cv.foldAccuracies.filter((a) => a === 0.5).length, 1, 'the fold holding B=4 gets 1 of 2');
  }
});

test('hand-worked: majority-class learner, 4 A + 2 B in 2 folds → 4/6', () => {
  // each fold: 2 A + 1 B held out, 2 A + 1 B to train on → predicts A → 2 of 3 right in each fold
  const ys = [0, 1, 0, 0, 1, 0];
  const majority = (train: Int32Array, test: Int32Array) => {
    const a = Array.from(train).filter((r) => ys[r] === 0).length;
    return Array.from(test, () => (2 * a >= train.length ? 0 : 1));
  };
  const cv = crossValidate(ys, { folds: 2, seed: 5 }, majority)!;
  assert.deepEqual([cv.correct, cv.total, cv.accuracy], [4, 6, 4 / 6]);
  assert.deepEqual(cv.foldAccuracies, [2 / 3, 2 / 3]);
});

test('no estimate without 2 classes of ≥ 2 labels; folds capped at the item count', () => {
  const never = () => assert.fail('not called');
  assert.equal(crossValidate([0, 0, 0, 1], { folds: 5, seed: 1 }, never), undefined);
  assert.equal(crossValidate([0, 0], { folds: 5, seed: 1 }, never), undefined);
  const cv = crossValidate([0, 0, 1, 1], { folds: 10, seed: 1 }, (_tr, te) => Array.from(te, () => 0))!;
  assert.equal(cv.folds, 4);
  assert.equal(cv.accuracy, 0.5);
});
