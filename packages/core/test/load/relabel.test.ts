/**
 * Issue 13 item 9: renaming a classifier's classes (relabelBundle) keeps every score, renames them everywhere
 * (manifest, report, predictions); scoresToCsv writes what parseDataset reads back.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initNodeBackend } from '../../src/node';
import { classifierFromBundle } from '../../src/classifier/from-bundle';
import { relabelBundle } from '../../src/bundle/relabel';
import { BUNDLE_FILES, bundleFromZip, bundleToZip, type TrainingReport } from '../../src/index';
import { parseDataset, scoresToCsv } from '../../src/data';
import { UsageError } from '../../src/errors';
import { makeTinyClassifier, type TinyClassifier } from '../../test-support/tiny-classifier';

let tmp = '';
let tiny: TinyClassifier;
const TEXTS = ['win money now', 'see you at lunch', 'a "quoted", comma text\nwith a line break'];

before(async () => {
  await initNodeBackend('wasm');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-relabel-'));
  tiny = await makeTinyClassifier(tmp);
});
after(async () => {
  tiny?.model.dispose();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('relabelBundle: same scores under the new names; manifest and report renamed; survives a zip', async () => {
  assert.deepEqual(tiny.bundle.manifest.labels, ['ham', 'spam']);
  const renamed = bundleFromZip(bundleToZip(relabelBundle(tiny.bundle, ['normal', 'junk'])));
  const before = await classifierFromBundle(tiny.bundle, { model: tiny.model });
  const after = await classifierFromBundle(renamed, { model: tiny.model });
  try {
    const a = await before.classify(TEXTS);
    const b = await after.classify(TEXTS);
    a.forEach((p, i) => {
      const q = b[i]!;
      assert.equal(q.label, p.label === 'ham' ? 'normal' : 'junk');
      assert.equal(q.scores.normal, p.scores.ham);
      assert.equal(q.scores.junk, p.scores.spam);
    });
    assert.deepEqual(after.labels, ['normal', 'junk']);
    assert.equal(renamed.manifest.positive_label, tiny.bundle.manifest.positive_label === 'spam' ? 'junk' : 'normal');
    const r = JSON.parse(new TextDecoder().decode(renamed.files[BUNDLE_FILES.report])) as TrainingReport;
    const json = JSON.stringify(r);
    assert.doesNotMatch(json, /"(ham|spam)"/, 'no old class name left in the report');
    assert.deepEqual(Object.keys(r.test.per_class).sort(), ['junk', 'normal']);
    assert.deepEqual(after.report?.labels, ['normal', 'junk']);
  } finally {
    before.dispose();
    after.dispose();
  }
});

test('relabelBundle refuses duplicate, empty or missing names', () => {
  assert.throws(() => relabelBundle(tiny.bundle, ['a', 'a']), UsageError);
  assert.throws(() => relabelBundle(tiny.bundle, ['a', ' ']), UsageError);
  assert.throws(() => relabelBundle(tiny.bundle, ['a']), UsageError);
});

test('scoresToCsv: parseDataset reads back the texts, labels and one column per class', () => {
  const csv = scoresToCsv(
    TEXTS.map((text, i) => ({
      text,
      label: i === 0 ? 'spam' : '',
      predicted: 'ham',
      scores: { ham: 0.75, spam: 0.25 },
    })),
    ['ham', 'spam'],
  );
  const back = parseDataset(csv, { textColumn: 'text', labelColumn: 'predicted', validate: false });
  assert.deepEqual(back.columns, ['text', 'label', 'predicted', 'ham', 'spam']);
  assert.deepEqual(back.texts, TEXTS);
  assert.deepEqual(back.labels, ['ham', 'ham', 'ham']);
});
