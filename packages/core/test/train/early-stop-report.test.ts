/**
 * Issue 13 item 6 (library side): the report records early stopping — the epoch whose weights were restored
 * (training.best_epoch) and whether it stopped before the last epoch (training.stopped_early). Checked against the
 * epoch history itself: the restored head's validation loss in the report is that epoch's validation loss.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initNodeBackend, loadNode } from '../../src/node';
import { parseDataset } from '../../src/data';
import type { LoadedModel } from '../../src/model/types';
import { trainClassifier } from '../../src/train/pipeline';
import { makeBertCheckpoint } from '../../test-support/fixtures';
import { SMALL_SHAPE } from '../../test-support/hub-fixtures';

let dir = '';
let model: LoadedModel;

before(async () => {
  await initNodeBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'bb-early-'));
  await makeBertCheckpoint(path.join(dir, 'm'), { shape: SMALL_SHAPE, seed: 5 });
  model = await loadNode(path.join(dir, 'm'));
});
after(async () => {
  model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Noisy labels: the head overfits the training split, so the validation loss stops improving. */
function noisyRows(n: number): string {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) rows.push(`${(i * 7919) % 3 === 0 ? 'a' : 'b'}\tword${i % 17} other${i % 5} text ${i}`);
  return rows.join('\n');
}

test('stopped early: best_epoch is the restored epoch, epochs_run = best_epoch + patience', async () => {
  const patience = 2;
  const { classifier, report, history } = await trainClassifier({
    model,
    dataset: parseDataset(noisyRows(120)),
    options: { seed: 3, epochs: 60, learningRate: 0.05, earlyStoppingPatience: patience },
  });
  classifier.dispose();
  const t = report.training as { best_epoch: number; stopped_early: boolean; epochs_run: number };
  assert.equal(t.epochs_run, history.length);
  assert.equal(t.stopped_early, true, `ran ${history.length} of 60 epochs`);
  assert.ok(history.length < 60);
  assert.equal(t.epochs_run - t.best_epoch, patience);
  const best = history[t.best_epoch - 1]!;
  assert.equal(best.epoch, t.best_epoch);
  for (const h of history.slice(t.best_epoch))
    assert.ok(h.valLoss! >= best.valLoss! - 1e-3, 'no later epoch was better');
  // The head in the classifier is the restored one: the report's validation loss is that epoch's.
  assert.ok(Math.abs(report.validation.loss! - best.valLoss!) < 1e-3, `${report.validation.loss} vs ${best.valLoss}`);
});

test('not stopped: stopped_early false and best_epoch within the run', async () => {
  const { classifier, report, history } = await trainClassifier({
    model,
    dataset: parseDataset(noisyRows(60)),
    options: { seed: 3, epochs: 2, earlyStoppingPatience: 5 },
  });
  classifier.dispose();
  const t = report.training as { best_epoch: number; stopped_early: boolean };
  assert.equal(t.stopped_early, false);
  assert.equal(history.length, 2);
  assert.ok(t.best_epoch >= 1 && t.best_epoch <= 2);
});
