import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averagePrecision, prCurve, rocAuc, rocCurve, trapezoid } from '../../src/metrics/ranking';
import { predictAtThreshold, selectThreshold } from '../../src/metrics/threshold';

const close = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-12, msg ?? `${a} ≠ ${b}`);

// Positives score {0.8, 0.6, 0.4}, negatives {0.6, 0.2, 0.4}: two tied pairs.
const POS = [true, true, false, true, false, false];
const SCO = [0.8, 0.6, 0.6, 0.4, 0.2, 0.4];

test('ROC-AUC with ties = pairwise count with ties as ½ (hand-computed 7/9)', () => {
  // Pairs won: 0.8 beats all 3; 0.6 beats 0.2, 0.4, ties 0.6 (2.5); 0.4 beats 0.2, ties 0.4 (1.5) → 7 of 9.
  close(rocAuc(POS, SCO), 7 / 9);
  close(rocAuc([true, false, true, false], [0.5, 0.5, 0.5, 0.5]), 0.5);
  assert.ok(Number.isNaN(rocAuc([true, true], [0.1, 0.2])));
});

test('ROC curve points and trapezoid area match the rank AUC', () => {
  const pts = rocCurve(POS, SCO);
  const exp = [
    [0, 0],
    [0, 1 / 3],
    [1 / 3, 2 / 3],
    [2 / 3, 1],
    [1, 1],
  ];
  assert.equal(pts.length, exp.length);
  pts.forEach((p, i) => {
    close(p.fpr, exp[i]![0]!);
    close(p.tpr, exp[i]![1]!);
  });
  assert.deepEqual(
    pts.map((p) => p.threshold),
    [Infinity, 0.8, 0.6, 0.4, 0.2],
  );
  close(
    trapezoid(
      pts.map((p) => p.fpr),
      pts.map((p) => p.tpr),
    ),
    7 / 9,
  );
});

test('average precision (PR-AUC) hand-computed: 1/3·1 + 1/3·2/3 + 1/3·3/5 = 34/45', () => {
  close(averagePrecision(POS, SCO), 34 / 45);
  const pr = prCurve(POS, SCO);
  assert.deepEqual(pr[0], { recall: 0, precision: 1, threshold: Infinity });
  close(pr[2]!.recall, 2 / 3);
  close(pr[2]!.precision, 2 / 3);
  close(pr[3]!.precision, 3 / 5);
  assert.ok(Number.isNaN(averagePrecision([false, false], [0.1, 0.2])));
});

test('perfect and inverted rankings', () => {
  const pos = [true, true, false, false];
  assert.equal(rocAuc(pos, [0.9, 0.8, 0.2, 0.1]), 1);
  assert.equal(averagePrecision(pos, [0.9, 0.8, 0.2, 0.1]), 1);
  assert.equal(rocAuc(pos, [0.1, 0.2, 0.8, 0.9]), 0);
  // Inverted: positives found at ranks 3 and 4 → ½·⅓ + ½·½ = 5/12.
  close(averagePrecision(pos, [0.1, 0.2, 0.8, 0.9]), 5 / 12);
});

test('threshold selection maximises positive-class F1 (hand-computed)', () => {
  // ≥0.9: F1 ½ · ≥0.7: ⅘ · ≥0.6: ⅔ · ≥0.4: 6/7 (best) · ≥0.3: ¾ · ≥0.1: ⅔ → midpoint of 0.4 and 0.3.
  const c = selectThreshold([true, true, false, true, false, false], [0.9, 0.7, 0.6, 0.4, 0.3, 0.1]);
  close(c.f1, 6 / 7);
  close(c.threshold, 0.35);
  // Tie (⅔ at ≥0.9 and at ≥0.2): the candidate closer to 0.5 wins; lowest score → the score itself.
  const t = selectThreshold([true, false, false, true], [0.9, 0.6, 0.5, 0.2]);
  close(t.f1, 2 / 3);
  close(t.threshold, 0.2);
  assert.deepEqual(selectThreshold([false, false], [0.3, 0.7]), { threshold: 0.5, f1: 0 });
  assert.deepEqual([...predictAtThreshold([0.2, 0.5, 0.7], 0.5)], [0, 1, 1]);
});
