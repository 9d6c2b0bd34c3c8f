import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryCurves, metricsAtThreshold } from '../../src/metrics/curves';
import { evaluateSplit } from '../../src/metrics/evaluate';

const labels = ['ham', 'spam'];
const rows = (p: number[]): number[][] => p.map((x) => [1 - x, x]);
// 6 examples, positive = spam (index 1)
const y = [0, 0, 1, 1, 0, 1];
const p = [0.1, 0.4, 0.35, 0.8, 0.7, 0.9];

test('threshold rows, worked by hand', () => {
  // t = 0.5: predicted spam = {0.8, 0.7, 0.9} → TP 2 (0.8, 0.9), FP 1 (0.7), FN 1 (0.35)
  const r = metricsAtThreshold(y, rows(p), labels, 1, 0.5);
  assert.equal(r.precision, 2 / 3);
  assert.equal(r.recall, 2 / 3);
  assert.ok(Math.abs(r.f1 - 2 / 3) < 1e-12);
  assert.equal(r.accuracy, 4 / 6);
  // t = 1: nothing predicted positive → precision 0 (the report's rule, sklearn zero_division=0), recall 0
  const none = metricsAtThreshold(y, rows(p), labels, 1, 1);
  assert.deepEqual([none.precision, none.recall, none.f1, none.accuracy], [0, 0, 0, 3 / 6]);
  // t = 0: everything positive → precision = prevalence, recall 1
  const all = metricsAtThreshold(y, rows(p), labels, 1, 0);
  assert.deepEqual([all.precision, all.recall, all.accuracy], [0.5, 1, 0.5]);
});

test('the table agrees with the report at every threshold it lists', () => {
  const c = binaryCurves(y, rows(p), labels, 1, 20);
  assert.equal(c.atThreshold.length, 21);
  for (const row of c.atThreshold) {
    const rep = evaluateSplit(y, rows(p), { labels, positiveIndex: 1, threshold: row.threshold });
    const spam = rep.per_class.spam!;
    assert.deepEqual(
      [row.precision, row.recall, row.f1, row.accuracy],
      [spam.precision, spam.recall, spam.f1, rep.accuracy],
      `threshold ${row.threshold}`,
    );
  }
  // curves: ROC from (0,0) to (1,1), PR sorted by recall
  assert.deepEqual([c.roc.fpr[0], c.roc.tpr[0], c.roc.fpr.at(-1), c.roc.tpr.at(-1)], [0, 0, 1, 1]);
  assert.deepEqual(
    c.pr.recall,
    [...c.pr.recall].sort((a, b) => a - b),
  );
});
