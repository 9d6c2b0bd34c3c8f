import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { buildLabelMap } from '../../src/data/labels';
import { parseDataset } from '../../src/data/parse-dataset';
import { splitDataset } from '../../src/data/split';

const UCI = 'data/sms-spam/SMSSpamCollection.tsv';
const BIGML = 'data/sms-spam/bigml-subset.tsv';

test(
  'UCI SMS Spam Collection: 5,574 rows, 747 spam, no header, duplicates removed before the split',
  { skip: skipUnlessShared(UCI) },
  () => {
    const d = parseDataset(readFileSync(sharedPath(UCI)!), { fileName: 'SMSSpamCollection.tsv' });
    assert.equal(d.format, 'tsv');
    assert.equal(d.hasHeader, false);
    assert.equal(d.texts.length, 5574);
    assert.equal(d.rowsSkipped, 0);
    assert.equal(d.labels.filter((l) => l === 'spam').length, 747);
    const map = buildLabelMap(d.labels);
    assert.deepEqual(map.labels, ['ham', 'spam']);
    assert.deepEqual(map.counts, [4827, 747]);
    assert.equal(map.positiveLabel, 'spam');
    const s = splitDataset(d.texts, d.labels, { seed: 7 });
    // ~7 % duplicates (the brief); counted independently here with a plain exact-text set as a lower bound.
    const exactDupes = d.texts.length - new Set(d.texts).size;
    assert.ok(
      s.duplicatesRemoved >= exactDupes && s.duplicatesRemoved < 0.1 * d.texts.length,
      `${s.duplicatesRemoved} duplicates`,
    );
    assert.equal(s.counts.train + s.counts.validation + s.counts.test, d.texts.length - s.duplicatesRemoved);
    console.log(
      `# UCI SMS: ${s.duplicatesRemoved} duplicates removed (${exactDupes} exact), split ${JSON.stringify(s.counts)}`,
    );
  },
);

test('BigML subset: header Type/Message', { skip: skipUnlessShared(BIGML) }, () => {
  const d = parseDataset(readFileSync(sharedPath(BIGML)!), { fileName: 'bigml-subset.tsv' });
  assert.equal(d.hasHeader, true);
  assert.deepEqual(d.columns, ['Type', 'Message']);
  assert.equal(d.textColumn, 'Message');
  assert.equal(d.labelColumn, 'Type');
  assert.equal(d.texts.length, 656);
  assert.deepEqual(new Set(d.labels), new Set(['ham', 'spam']));
});
