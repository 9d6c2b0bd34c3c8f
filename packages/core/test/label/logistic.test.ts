/**
 * The labelling loop's logistic regression against scikit-learn's LogisticRegression (an independent
 * implementation: lbfgs on the same objective) when /usr/bin/python3 has sklearn; skips with a message otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fitLogistic, predictLogistic } from '../../src/label/logistic';
import { minimizeLbfgs } from '../../src/label/lbfgs';
import { blobs } from './toy-data';

const PY = process.env.BROWSER_BERT_PYTHON ?? '/usr/bin/python3';
const hasSklearn = spawnSync(PY, ['-c', 'import sklearn'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
const skip = hasSklearn ? false : `needs ${PY} with scikit-learn (apt-get install python3-sklearn); not found`;

function sklearnProbs(x: number[][], y: number[], c: number): number[][] {
  const script = `
import json, sys, warnings
warnings.filterwarnings('ignore')
from sklearn.linear_model import LogisticRegression
d = json.load(sys.stdin)
m = LogisticRegression(C=d['c'], multi_class='multinomial', solver='lbfgs', tol=1e-12, max_iter=100000)
m.fit(d['x'], d['y'])
print(json.dumps(m.predict_proba(d['x']).tolist()))
`;
  const r = spawnSync(PY, ['-c', script], { input: JSON.stringify({ x, y, c }), encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as number[][];
}

for (const [name, perClass, c] of [
  ['binary, overlapping classes', [40, 25], 0.5],
  ['3 classes, C = 2', [30, 20, 25], 2],
] as const) {
  test(`multinomial logistic regression matches scikit-learn (${name})`, { skip }, () => {
    const { features, labels } = blobs(perClass, 6, 11, 2.5);
    const n = labels.length;
    const rows = Array.from({ length: n }, (_, i) => i);
    const model = fitLogistic(features, rows, labels, perClass.length, { c, tolerance: 1e-9, maxIterations: 5000 });
    assert.ok(model.converged);
    const ours = predictLogistic(model, features);
    const x = rows.map((i) => Array.from(features.data.subarray(i * 6, (i + 1) * 6)));
    const ref = sklearnProbs(x, Array.from(labels), c);
    let maxDiff = 0;
    ref.forEach((row, i) =>
      row.forEach((p, k) => (maxDiff = Math.max(maxDiff, Math.abs(p - ours[i * row.length + k]!)))),
    );
    // sklearn's lbfgs stops at max |gradient| ≈ 5e-6 (scipy's ftol), whatever tol says: agreement to ~1e-5
    assert.ok(maxDiff < 1e-4, `max |ours − sklearn| = ${maxDiff}`);
    // the data overlap: the fit is not trivially perfect, so agreement is not a saturated 0/1
    assert.ok(ref.some((row) => Math.max(...row) < 0.9));
  });
}

test('L-BFGS finds the minimum of a badly scaled quadratic', () => {
  // f(x) = Σ aᵢ (xᵢ − i)², aᵢ from 1 to 1000
  const a = Float64Array.from({ length: 20 }, (_, i) => 10 ** ((3 * i) / 19));
  const r = minimizeLbfgs(
    (x, g) => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        const d = x[i]! - i;
        f += a[i]! * d * d;
        g[i] = 2 * a[i]! * d;
      }
      return f;
    },
    new Float64Array(20),
    { tolerance: 1e-8 },
  );
  assert.ok(r.converged);
  r.x.forEach((v, i) => assert.ok(Math.abs(v - i) < 1e-6, `x[${i}] = ${v}`));
});

test('a warm start reaches the same optimum in fewer iterations; a class without examples gets low scores', () => {
  const { features, labels } = blobs([30, 30], 4, 5, 1.5);
  const rows = Array.from(labels, (_, i) => i);
  const cold = fitLogistic(features, rows, labels, 3, { tolerance: 1e-8 });
  const warm = fitLogistic(features, rows, labels, 3, { tolerance: 1e-8, init: cold });
  assert.ok(warm.iterations < cold.iterations);
  const p1 = predictLogistic(cold, features);
  const p2 = predictLogistic(warm, features);
  p1.forEach((p, i) => assert.ok(Math.abs(p - p2[i]!) < 1e-5));
  for (let i = 0; i < rows.length; i++) assert.ok(p1[i * 3 + 2]! < 0.2, 'class 2 has no examples');
});
