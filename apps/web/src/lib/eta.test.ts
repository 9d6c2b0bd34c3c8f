import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEtaEstimator, formatEta } from './eta';

test('no estimate before three rate samples; then remaining / median rate', () => {
  const e = createEtaEstimator();
  assert.equal(e.update(0, 100, 0), undefined);
  assert.equal(e.update(10, 100, 1000), undefined);
  assert.equal(e.update(20, 100, 2000), undefined);
  const r = e.update(30, 100, 3000);
  assert.ok(r);
  assert.equal(r.etaMs, 7000); // 70 left at 0.01 per ms
  assert.equal(r.spreadMs, 0); // a steady rate
});

test('a slow warm-up batch widens the spread, the median keeps the estimate', () => {
  const e = createEtaEstimator();
  e.update(0, 100, 0);
  e.update(10, 100, 5000); // warm-up: 5 s for 10
  e.update(20, 100, 6000);
  e.update(30, 100, 7000);
  const r = e.update(40, 100, 8000)!;
  assert.equal(r.etaMs, 6000); // median rate 0.01/ms, 60 left
  assert.ok(r.spreadMs > 1000, `spread ${r.spreadMs}`);
});

test('repeated reports of the same count do not add zero-rate samples', () => {
  const e = createEtaEstimator();
  e.update(0, 10, 0);
  e.update(1, 10, 100);
  e.update(1, 10, 150);
  e.update(2, 10, 200);
  const r = e.update(3, 10, 300)!;
  assert.equal(r.etaMs, 700);
});

test('formatEta states the uncertainty, at least 10 %', () => {
  const f = (ms: number) => `${Math.round(ms / 1000)} s`;
  assert.equal(formatEta(40_000, 10_000, f), 'about 40 s (±10 s)');
  assert.equal(formatEta(40_000, 0, f), 'about 40 s (±4 s)');
  assert.equal(formatEta(40_000, undefined, f), 'about 40 s');
});
