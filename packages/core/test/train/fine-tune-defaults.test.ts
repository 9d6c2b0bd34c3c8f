/** Issue 13 item 7: default fine-tuning epochs follow the dataset size (≥ FINE_TUNE_MIN_STEPS optimiser steps). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FINE_TUNE_MIN_STEPS, fineTuneEpochsFor } from '../../src/train/options';

test('300 rows (the issue’s 3-class file) get enough epochs for the minimum number of steps', () => {
  const e = fineTuneEpochsFor(300, [0.8, 0.1, 0.1], 32);
  // 240 training rows → 8 batches of 32 per epoch
  assert.ok(e * 8 >= FINE_TUNE_MIN_STEPS, `${e} epochs × 8 batches`);
  assert.ok(e <= 20);
  assert.equal(e, 19);
});

test('large data keeps the minimum of 3 epochs; tiny data is capped at 20', () => {
  assert.equal(fineTuneEpochsFor(5574, [0.8, 0.1, 0.1], 32), 3);
  assert.equal(fineTuneEpochsFor(20, [0.8, 0.1, 0.1], 32), 20);
});
