/**
 * Issue 13 item 2 through the CLI: `predict --classifier file.zip` reads the web app's zip directly (self-contained:
 * encoder included), and a head-only zip whose encoder came from picked files ("local files") says which model to
 * load, then predicts with `--encoder <folder>`; a different encoder is refused by its weights hash.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleToZip, loadClassifier, PICKED_FILES_SOURCE, type ClassifierBundle } from '@browser-bert/core';
import { initNodeBackend } from '@browser-bert/core/node';
import { makeBertCheckpoint } from '../../../core/test-support/fixtures';
import { SMALL_SHAPE } from '../../../core/test-support/hub-fixtures';
import { makeTinyClassifier, type TinyClassifier } from '../../../core/test-support/tiny-classifier';
import { runCli } from '../../test-support/run-cli';

let tmp = '';
let tiny: TinyClassifier;
let env: NodeJS.ProcessEnv = {};
let expected = '';
const INPUT = 'win money now\nsee you at lunch\n';

before(async () => {
  await initNodeBackend('wasm');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-cli-zip-'));
  tiny = await makeTinyClassifier(tmp);
  // An empty cache and no hub: nothing may be fetched.
  env = { BROWSER_BERT_CACHE: path.join(tmp, 'cache'), HF_ENDPOINT: 'http://127.0.0.1:9', HF_HUB_OFFLINE: '1' };
  const r = await runCli(['predict', '--classifier', tiny.clfDir], INPUT, env);
  assert.equal(r.code, 0, r.stderr);
  expected = r.stdout;
});
after(async () => {
  tiny?.model.dispose();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The saved classifier as the web app zips it, with or without its encoder, its source as picked files name it. */
async function appZip(name: string, includeEncoder: boolean): Promise<string> {
  const clf = await loadClassifier(tiny.clfDir, { model: tiny.model });
  let bundle: ClassifierBundle;
  try {
    bundle = await clf.toBundle({ includeEncoder });
  } finally {
    clf.dispose();
  }
  const manifest = { ...bundle.manifest, encoder: { ...bundle.manifest.encoder, source: PICKED_FILES_SOURCE } };
  const file = path.join(tmp, name);
  await writeFile(file, bundleToZip({ manifest, files: bundle.files }));
  return file;
}

const predictLines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { label: string; scores: Record<string, number> });

function assertSameScores(actual: string): void {
  const a = predictLines(actual);
  const e = predictLines(expected);
  assert.equal(a.length, e.length);
  a.forEach((p, i) => {
    assert.equal(p.label, e[i]!.label);
    for (const [k, v] of Object.entries(e[i]!.scores))
      assert.ok(Math.abs(p.scores[k]! - v) < 1e-5, `${k}: ${p.scores[k]} vs ${v}`);
  });
}

test('predict --classifier app.zip (encoder included) → the same scores as the folder, offline, no --encoder', async () => {
  const zip = await appZip('self-contained.zip', true);
  const r = await runCli(['predict', '--classifier', zip], INPUT, env);
  assert.equal(r.code, 0, r.stderr);
  assertSameScores(r.stdout);
});

test('head-only zip from picked files: one line naming the model to load; --encoder <folder> predicts', async () => {
  const zip = await appZip('head-only.zip', false);
  const r = await runCli(['predict', '--classifier', zip], INPUT, env);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('browser-bert predict:'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(r.stderr, /saved without its encoder, which came from a local model folder \(weights hash [0-9a-f]{12}/);
  assert.match(r.stderr, /--encoder <folder>/);
  assert.doesNotMatch(r.stderr, /neither a hub model id/);

  const ok = await runCli(['predict', '--classifier', zip, '--encoder', tiny.modelDir], INPUT, env);
  assert.equal(ok.code, 0, ok.stderr);
  assertSameScores(ok.stdout);
});

test('head-only zip with a different encoder → refused by its weights hash, no scores', async () => {
  const zip = await appZip('head-only-2.zip', false);
  const other = path.join(tmp, 'other-model');
  await makeBertCheckpoint(other, { shape: SMALL_SHAPE, seed: 99 });
  const r = await runCli(['predict', '--classifier', zip, '--encoder', other], INPUT, env);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /weights|hash|trained on/i);
});
