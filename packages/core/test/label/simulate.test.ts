import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError } from '../../src/errors';
import { simulateLabelling } from '../../src/label/simulate';
import { blobs } from './toy-data';

const data = blobs([300, 100], 8, 4, 1.6);
const base = { features: data.features, labels: data.labels, classes: ['ham', 'spam'], budgets: [4, 8, 16] };

test('replays labelling with the true labels: curves at budget × classes labels, reproducible per seed', async () => {
  let progress = 0;
  const r = await simulateLabelling({ ...base, repeats: 2, seed: 3, onProgress: (d) => (progress = d) });
  assert.equal(progress, 4, 'repeats × strategies');
  assert.equal(r.pool + r.test, 400);
  assert.equal(r.test, 80);
  assert.deepEqual(
    r.curves.map((c) => c.strategy),
    ['mixed', 'random'],
  );
  assert.ok(r.fullAccuracy > 0.9 && r.fullAccuracy <= 1, `full-pool accuracy ${r.fullAccuracy}`);
  assert.ok(Math.abs(r.majorityAccuracy - 0.75) < 0.01);
  assert.equal(r.target, 0.95 * r.fullAccuracy);
  for (const c of r.curves) {
    assert.deepEqual(
      c.points.map((p) => p.labels),
      [8, 16, 32],
    );
    for (const p of c.points) {
      assert.equal(p.accuracies.length, 2);
      assert.ok(Math.abs(p.perClass.reduce((a, b) => a + b, 0) - p.labels) < 1e-9, 'labels per class add up');
      assert.ok(p.accuracy >= 0 && p.accuracy <= 1);
    }
    assert.equal(c.labelsToTarget.length, 2);
    for (const n of c.labelsToTarget) assert.ok(n === undefined || (n >= 1 && n <= 32));
    // the trace (first repeat) has a point after every retrain, at most `batch` labels apart
    const xs = c.trace.map(([n]) => n);
    assert.equal(xs.at(-1), 32);
    xs.forEach((x, i) => assert.ok(x - (xs[i - 1] ?? 0) <= 5));
  }
  const again = await simulateLabelling({ ...base, repeats: 2, seed: 3 });
  assert.deepEqual(
    again.curves.map((c) => c.points.map((p) => p.accuracies)),
    r.curves.map((c) => c.points.map((p) => p.accuracies)),
  );
});

test('the simulation stops on abort', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(simulateLabelling({ ...base, signal: ac.signal }), CancelledError);
});
