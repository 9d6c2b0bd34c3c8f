import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracy,
  argmax,
  confusionMatrix,
  logLoss,
  macroF1,
  perClassMetrics,
  scoreRows,
} from '../../src/metrics/classification';

const close = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-12, msg ?? `${a} ≠ ${b}`);

test('binary confusion, accuracy, per-class P/R/F1 (hand-computed)', () => {
  const yTrue = [0, 0, 0, 1, 1, 1, 1, 0];
  const yPred = [0, 1, 0, 1, 1, 0, 1, 0];
  const cm = confusionMatrix(yTrue, yPred, 2);
  assert.deepEqual(cm, [
    [3, 1],
    [1, 3],
  ]);
  close(accuracy(yTrue, yPred), 0.75);
  const pc = perClassMetrics(cm);
  assert.deepEqual(pc, [
    { precision: 0.75, recall: 0.75, f1: 0.75, support: 4 },
    { precision: 0.75, recall: 0.75, f1: 0.75, support: 4 },
  ]);
  close(macroF1(pc), 0.75);
});

test('a class that is never predicted has precision 0 and F1 0 (no NaN)', () => {
  const yTrue = [0, 1, 2, 2, 1, 0];
  const yPred = [0, 1, 1, 1, 1, 0];
  const cm = confusionMatrix(yTrue, yPred, 3);
  assert.deepEqual(cm, [
    [2, 0, 0],
    [0, 2, 0],
    [0, 2, 0],
  ]);
  const pc = perClassMetrics(cm);
  assert.deepEqual(pc[0], { precision: 1, recall: 1, f1: 1, support: 2 });
  close(pc[1]!.precision, 0.5);
  close(pc[1]!.recall, 1);
  close(pc[1]!.f1, 2 / 3);
  assert.deepEqual(pc[2], { precision: 0, recall: 0, f1: 0, support: 2 });
  close(macroF1(pc), 5 / 9);
  close(accuracy(yTrue, yPred), 4 / 6);
  // A class absent from the data and never predicted: all zeros, support 0.
  assert.deepEqual(perClassMetrics(confusionMatrix([0, 1], [0, 1], 3))[2], {
    precision: 0,
    recall: 0,
    f1: 0,
    support: 0,
  });
});

test('perfect and inverted classifiers', () => {
  const y = [0, 1, 1, 0, 1];
  const inv = y.map((v) => 1 - v);
  assert.equal(accuracy(y, y), 1);
  assert.equal(macroF1(perClassMetrics(confusionMatrix(y, y, 2))), 1);
  assert.equal(accuracy(y, inv), 0);
  assert.equal(macroF1(perClassMetrics(confusionMatrix(y, inv, 2))), 0);
});

test('argmax (first on ties), flat score rows, log loss', () => {
  assert.deepEqual(
    [
      ...argmax([
        [0.1, 0.9],
        [0.5, 0.5],
        [0.2, 0.3, 0.5],
      ]),
    ],
    [1, 0, 2],
  );
  assert.deepEqual(
    scoreRows(new Float32Array([0.25, 0.75, 1, 0]), 2).map((r) => [...r]),
    [
      [0.25, 0.75],
      [1, 0],
    ],
  );
  assert.throws(() => scoreRows([1, 2, 3], 2), RangeError);
  close(
    logLoss(
      [1, 0],
      [
        [0.5, 0.5],
        [0.25, 0.75],
      ],
    ),
    (Math.log(2) + Math.log(4)) / 2,
  );
  assert.throws(() => confusionMatrix([0, 3], [0, 1], 2), RangeError);
});
