import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../src/errors';
import {
  labelledDataset,
  labelSetFrom,
  labelSetFromLines,
  labelSetToCsv,
  labelSetToJsonl,
  parseLabelSet,
  UNLABELLED,
  type LabelSet,
} from '../../src/label/label-set';

const tricky = [
  'Free entry, win "cash" now',
  'see you at 5\nor 6',
  'plain',
  '=SUM(A1) stays text',
  'née · 日本語 · 🙂',
];

test('a file whose label column is partly empty → label set; CSV and JSONL exports read back identically', () => {
  const csv =
    'text,label\n"Free entry, win ""cash"" now",spam\n"see you at 5\nor 6",\nplain,ham\n=SUM(A1) stays text,\nnée · 日本語 · 🙂,spam\n';
  const { set } = parseLabelSet(csv, { fileName: 'partial.csv', classes: ['ham'] });
  assert.deepEqual(set.classes, ['ham', 'spam']);
  assert.deepEqual(set.texts, tricky);
  assert.deepEqual(set.labels, [1, UNLABELLED, 0, UNLABELLED, 1]);
  for (const [name, text] of [
    ['out.csv', labelSetToCsv(set)],
    ['out.jsonl', labelSetToJsonl(set)],
  ] as const) {
    const back: LabelSet = parseLabelSet(text, { fileName: name, classes: set.classes }).set;
    assert.deepEqual(back, set, name);
  }
  assert.match(labelSetToJsonl(set).split('\n')[1]!, /"label":null/);
  const only = parseLabelSet(labelSetToCsv(set, { labelledOnly: true }), { fileName: 'x.csv' }).set;
  assert.deepEqual(only.texts, [tricky[0], tricky[2], tricky[4]]);
  assert.deepEqual(labelledDataset(set), { texts: only.texts, labels: ['spam', 'ham', 'spam'] });
});

test('texts without labels: a one-column file, or one text per line', () => {
  const { set } = parseLabelSet('text\nhello there\nsecond one\n', { fileName: 'texts.csv', classes: ['a', 'b'] });
  assert.deepEqual(set.texts, ['hello there', 'second one']);
  assert.deepEqual(set.labels, [UNLABELLED, UNLABELLED]);
  const lines = labelSetFromLines('one, with a comma\n\n  two  \r\nthree\n', ['pos', 'neg']);
  assert.deepEqual(lines.texts, ['one, with a comma', 'two', 'three']);
  assert.deepEqual(lines.classes, ['pos', 'neg']);
});

test('class names: at least 2, distinct, non-empty — a DataError that says what to do', () => {
  assert.throws(
    () => labelSetFromLines('a\nb', ['only']),
    (e) => e instanceof DataError && /at least 2/.test(e.message),
  );
  assert.throws(() => labelSetFromLines('a\nb', ['x', ' x ']), DataError);
  assert.throws(() => labelSetFromLines('a\nb', ['x', '  ']), DataError);
  assert.throws(() => labelSetFromLines('\n\n', ['x', 'y']), DataError);
  // labels found in the data add classes after the named ones
  assert.deepEqual(labelSetFrom({ texts: ['t1', 't2'], labels: ['c', ''] }, ['a', 'b']).classes, ['a', 'b', 'c']);
});
