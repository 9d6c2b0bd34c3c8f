// The TF.js-free runtime against the full library: the same scores (max |Δ| ≤ 1e-5) on the SMS corpus for a frozen
// and a fine-tuned classifier, and one clear typed error for each kind of damaged bundle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initNodeBackend } from '../../core/src/node';
import { parseDataset } from '../../core/src/data';
import type { Dataset } from '../../core/src/data/types';
import type { LoadedModel } from '../../core/src/model/types';
import { trainClassifier } from '../../core/src/train/pipeline';
import type { Classifier } from '../../core/src/classifier/types';
import { fixtureModel } from '../../core/test-support/fixture-model';
import { maxAbsDiff } from './max-abs-diff';
import { sharedPath, skipUnlessShared } from '../../core/test-support/shared';
import { loadClassifier, EncoderMismatchError, StorageError, WeightsError } from '../src/node';

const skip =
  skipUnlessShared('data/sms-spam/SMSSpamCollection.tsv') || skipUnlessShared('data/bert-base-uncased/vocab.txt');
let dir = '';
let model: LoadedModel;
let sms: Dataset;
let frozen: Classifier;
let tuned: Classifier;

before(async () => {
  if (skip) return;
  await initNodeBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'bb-classify-'));
  model = await fixtureModel(path.join(dir, 'model'), { shape: 'bert-tiny', seed: 21 });
  sms = parseDataset(await readFile(sharedPath('data/sms-spam/SMSSpamCollection.tsv')!, 'utf8'));
  frozen = (await trainClassifier({ model, dataset: sms, options: { seed: 3, epochs: 4 } })).classifier;
  await frozen.save(path.join(dir, 'frozen'));
  const small = { texts: sms.texts.slice(0, 300), labels: sms.labels.slice(0, 300) };
  const options = { seed: 5, epochs: 1, fineTuneLayers: 1, head: 'hidden', hiddenUnits: 32 } as const;
  tuned = (await trainClassifier({ model, dataset: small, options })).classifier;
  await tuned.save(path.join(dir, 'tuned'));
});
after(async () => {
  frozen?.dispose();
  tuned?.dispose();
  model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("frozen classifier: the runtime gives the library's scores on the whole SMS corpus", { skip }, async (t) => {
  const runtime = await loadClassifier(path.join(dir, 'frozen'));
  try {
    assert.deepEqual(runtime.labels, frozen.labels);
    assert.equal(runtime.randomInit, true);
    assert.equal(runtime.report?.test.n, frozen.report?.test.n);
    const [ours, lib] = [await runtime.predictProba(sms.texts), await frozen.predictProba(sms.texts)];
    const diff = maxAbsDiff(ours, lib);
    t.diagnostic(`frozen, ${sms.texts.length} SMS texts: max |Δ| ${diff.toExponential(2)}`);
    assert.ok(diff <= 1e-5, `max |Δ| ${diff}`);
    const a = await runtime.classify(sms.texts.slice(0, 200));
    const b = await frozen.classify(sms.texts.slice(0, 200));
    assert.deepEqual(
      a.map((p) => p.label),
      b.map((p) => p.label),
    );
  } finally {
    runtime.dispose();
  }
});

test('fine-tuned classifier (encoder in the bundle, hidden head): the same scores', { skip }, async (t) => {
  const runtime = await loadClassifier(path.join(dir, 'tuned'));
  try {
    const texts = sms.texts.slice(0, 1500);
    const diff = maxAbsDiff(await runtime.predictProba(texts), await tuned.predictProba(texts));
    t.diagnostic(`fine-tuned, ${texts.length} SMS texts: max |Δ| ${diff.toExponential(2)}`);
    assert.ok(diff <= 1e-5, `max |Δ| ${diff}`);
  } finally {
    runtime.dispose();
  }
});

test('a zip in memory and a bundle object load too; cancelling rejects', { skip }, async () => {
  const zip = await import('../../core/src/bundle/zip');
  const bytes = zip.bundleToZip(await frozen.toBundle());
  const runtime = await loadClassifier(bytes);
  try {
    const texts = sms.texts.slice(0, 40);
    assert.ok(maxAbsDiff(await runtime.predictProba(texts), await frozen.predictProba(texts)) <= 1e-5);
    const ctl = new AbortController();
    ctl.abort();
    await assert.rejects(runtime.predictProba(texts, { signal: ctl.signal }), { code: 'CANCELLED' });
  } finally {
    runtime.dispose();
  }
  await assert.rejects(runtime.classify(['x']), { code: 'USAGE' });
});

test('damaged bundles: one clear typed error each', { skip }, async () => {
  // a newer schema
  const newer = path.join(dir, 'newer');
  await cp(path.join(dir, 'frozen'), newer, { recursive: true });
  const manifest = JSON.parse(await readFile(path.join(newer, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(path.join(newer, 'manifest.json'), JSON.stringify({ ...manifest, schema_version: 99 }));
  await assert.rejects(
    loadClassifier(newer),
    (e: unknown) => e instanceof StorageError && /schema version 99/.test(String(e)),
  );

  // a truncated encoder weights file
  const cut = path.join(dir, 'cut');
  await cp(path.join(dir, 'tuned'), cut, { recursive: true });
  const weights = path.join(cut, 'encoder/model.safetensors');
  const full = await readFile(weights);
  await writeFile(weights, full.subarray(0, full.length - 1000));
  await assert.rejects(loadClassifier(cut), (e: unknown) => e instanceof WeightsError && e.hint.length > 0);

  // an encoder whose weights are not the ones the classifier was trained on
  const other = path.join(dir, 'other');
  await fixtureModel(path.join(dir, 'other-model'), { shape: 'bert-tiny', seed: 22 }).then((m) => m.dispose());
  await cp(path.join(dir, 'frozen'), other, { recursive: true });
  await assert.rejects(
    loadClassifier(other, { encoder: path.join(dir, 'other-model') }),
    (e: unknown) =>
      e instanceof EncoderMismatchError && e.message.includes('is not the one this classifier was trained on'),
  );
  // and the good one still loads
  const runtime = await loadClassifier(path.join(dir, 'frozen'));
  assert.equal((await runtime.classify(['hello'])).length, 1);
  runtime.dispose();
});
