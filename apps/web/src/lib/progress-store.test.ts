import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProgressStore } from './progress-store';

test('progress is coalesced; a finished epoch is published at once', async () => {
  const store = createProgressStore();
  let renders = 0;
  store.subscribe(() => renders++);
  for (let i = 1; i <= 50; i++) store.push({ stage: 'embed', done: i, total: 50, etaMs: undefined });
  assert.equal(renders, 0, 'nothing published synchronously for plain progress');
  await sleep(300);
  assert.equal(renders, 1);
  assert.equal(store.get().stages.embed?.done, 50, 'the latest value wins');
  store.push({
    stage: 'epoch',
    done: 1,
    total: 3,
    etaMs: 10,
    history: [{ epoch: 1, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy: 0.5 }],
  });
  assert.equal(renders, 2, 'a new curve point is shown immediately');
  assert.equal(store.get().history.length, 1);
  assert.equal(store.get().stages.embed?.done, 50, 'earlier stages are kept');
  store.reset();
  assert.deepEqual(store.get().stages, {});
});
