import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../src/errors';
import { parseDataset } from '../../src/data/parse-dataset';

/** Asserts that fn throws a DataError whose message matches every pattern. */
function throwsData(fn: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataError, `expected DataError, got ${String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

test('CSV with header, quoted multi-line field, doubled quotes, CRLF and BOM', () => {
  const csv =
    '\uFEFFtext,label\r\n"Hello, ""world""\r\nsecond line",pos\r\nplain text here,neg\r\nanother one,pos\r\nand more,neg\r\n';
  const d = parseDataset(enc(csv), { fileName: 'x.csv' });
  assert.equal(d.format, 'csv');
  assert.equal(d.delimiter, ',');
  assert.equal(d.hasHeader, true);
  assert.deepEqual(d.columns, ['text', 'label']);
  assert.equal(d.texts[0], 'Hello, "world"\r\nsecond line');
  assert.deepEqual(d.labels, ['pos', 'neg', 'pos', 'neg']);
  assert.equal(d.texts.length, 4);
});

test('HTML entities are left as text', () => {
  const d = parseDataset(
    'label,text\nspam,Win &amp; claim &lt;b&gt;now&lt;/b&gt;\nham,see you &nbsp;later\nspam,x &#39;y\nham,fine\n',
  );
  assert.equal(d.texts[0], 'Win &amp; claim &lt;b&gt;now&lt;/b&gt;');
  assert.equal(d.texts[1], 'see you &nbsp;later');
  assert.equal(d.texts[2], 'x &#39;y');
});

test('semicolon-separated CSV with label first and columns named by the user', () => {
  const d = parseDataset('cat;words;id\na;the first text;1\nb;the second text;2\na;third one;3\nb;fourth;4\n', {
    textColumn: 'words',
    labelColumn: 0,
  });
  assert.equal(d.delimiter, ';');
  assert.equal(d.textColumn, 'words');
  assert.equal(d.labelColumn, 'cat');
  assert.deepEqual(d.labels, ['a', 'b', 'a', 'b']);
  assert.deepEqual(d.texts, ['the first text', 'the second text', 'third one', 'fourth']);
});

test('column given as a digit string (as the CLI passes it) and case-insensitive names', () => {
  const d = parseDataset('Msg,Kind\nhello there friend,x\nbye now my friend,y\nagain and again,x\nlast one here,y\n', {
    textColumn: '0',
    labelColumn: 'kind',
  });
  assert.equal(d.textColumn, 'Msg');
  assert.equal(d.labelColumn, 'Kind');
});

test('TSV without header (label<TAB>text): label column found by cardinality, stray quotes kept', () => {
  const tsv =
    'ham\tGo until jurong point, crazy..\nham\t"Ok lar... Joking wif u oni\nspam\tFree entry in 2 a wkly comp "win"\nham\tU dun say so early hor\nspam\tWINNER!! As a valued customer\n';
  const d = parseDataset(tsv);
  assert.equal(d.format, 'tsv');
  assert.equal(d.hasHeader, false);
  assert.equal(d.labelColumn, 'column 0');
  assert.equal(d.textColumn, 'column 1');
  assert.deepEqual(d.labels, ['ham', 'ham', 'spam', 'ham', 'spam']);
  assert.equal(d.texts[1], '"Ok lar... Joking wif u oni');
  assert.equal(d.texts[2], 'Free entry in 2 a wkly comp "win"');
});

test('TSV with a header; text column first', () => {
  const d = parseDataset('sentence\tlabel\nI loved it\t1\nawful film\t0\nquite good\t1\nboring\t0\n', {
    fileName: 'a.tsv',
  });
  assert.equal(d.hasHeader, true);
  assert.deepEqual(d.texts, ['I loved it', 'awful film', 'quite good', 'boring']);
  assert.deepEqual(d.labels, ['1', '0', '1', '0']);
});

test('hasHeader can be forced', () => {
  const d = parseDataset('a,the first text here\nb,the second text here\na,third\nb,fourth\n', { hasHeader: false });
  assert.equal(d.texts.length, 4);
  const h = parseDataset('lbl,txt\nb,the second text here\na,third\nb,fourth\na,fifth text\n', { hasHeader: true });
  assert.deepEqual(h.columns, ['lbl', 'txt']);
  assert.equal(h.texts.length, 4);
});

test('unquoted commas inside a last text column are kept as part of the text', () => {
  const d = parseDataset('label,text\nham,Hello, how are you\nspam,Win, win, win\nham,ok\nspam,free stuff\n');
  assert.equal(d.texts[0], 'Hello, how are you');
  assert.equal(d.texts[1], 'Win, win, win');
  assert.ok(d.warnings.some((w) => /more fields/.test(w)));
});

test('JSONL: text/label keys auto-detected, numbers and one-element arrays accepted', () => {
  const jsonl =
    '{"id": 1, "sms": "hello there", "target": 0}\n\n{"id": 2, "sms": "WIN NOW", "target": 1}\r\n{"id": 3, "sms": "see you", "target": [0]}\n{"id": 4, "sms": "free", "target": 1}\n';
  const d = parseDataset(jsonl);
  assert.equal(d.format, 'jsonl');
  assert.deepEqual(d.columns, ['id', 'sms', 'target']);
  assert.equal(d.textColumn, 'sms');
  assert.equal(d.labelColumn, 'target');
  assert.deepEqual(d.labels, ['0', '1', '0', '1']);
});

test('JSONL with an invalid line names the line', () => {
  throwsData(() => parseDataset('{"text":"a","label":"x"}\n{"text": "b", "label": \n'), /Line 2 is not valid JSON/);
});

test('rows with an empty text or label are skipped and counted', () => {
  const d = parseDataset('text,label\nhello,a\n,b\nworld,\nfoo,a\nbar,b\nbaz,b\n');
  assert.equal(d.rowsSkipped, 2);
  assert.equal(d.texts.length, 4);
  assert.ok(d.warnings.some((w) => /2 row\(s\) skipped/.test(w)));
});

test('a 10 MB single text is kept whole', () => {
  const big = 'word '.repeat(2_000_000).trim();
  const d = parseDataset(`text,label\n"${big}",a\nsmall,a\nother,b\nmore,b\n`);
  assert.equal(d.texts[0]!.length, big.length);
});

test('bad data: empty file', () => {
  throwsData(() => parseDataset(''), /empty/);
  throwsData(() => parseDataset(enc(' \n\r\n'), { fileName: 'e.csv' }), /"e\.csv" is empty/);
  throwsData(() => parseDataset('text,label\n'), /no data rows/);
});

test('bad data: no text column (lists the columns seen)', () => {
  throwsData(
    () => parseDataset('id,score,label\n1,0.5,a\n2,0.7,b\n3,0.1,a\n4,0.9,b\n'),
    /No text column/,
    /"id", "score", "label"/,
  );
  throwsData(
    () => parseDataset('text,label\nhi,a\nyo,b\n', { textColumn: 'body' }),
    /No text column named "body"/,
    /"text", "label"/,
  );
  throwsData(() => parseDataset('just one column\nanother line\n'), /1 column/);
});

test('bad data: one class only', () => {
  throwsData(() => parseDataset('text,label\nhello,ham\nworld,ham\nfoo,ham\n'), /Only one class \("ham"\)/);
});

test('bad data: a class with fewer than 2 examples is named', () => {
  throwsData(
    () => parseDataset('text,label\nhello,ham\nworld,ham\nfoo,spam\nbar,spam\nqux,eggs\n'),
    /Class "eggs" has fewer than 2 examples/,
  );
});

test('bad data: label column ≥ 90 % unique → did you swap text and label?', () => {
  const rows = Array.from({ length: 20 }, (_, i) => `${i % 2 ? 'spam' : 'ham'},message number ${i}`).join('\n');
  throwsData(
    () => parseDataset(`a,b\n${rows}\n`, { textColumn: 'a', labelColumn: 'b' }),
    /swap text and label/,
    /--text-col\/--label-col/,
  );
});

test('bad data: binary garbage (NUL bytes, invalid UTF-8, zip / PNG signatures)', () => {
  throwsData(
    () => parseDataset(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), { fileName: 'data.xlsx' }),
    /not a text dataset/,
    /zip/,
  );
  throwsData(
    () => parseDataset(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    /not a text dataset/,
    /PNG/,
  );
  throwsData(() => parseDataset(enc('text,label\nhel\u0000lo,a\n')), /not a text dataset/, /NUL/);
  // Invalid UTF-8 that is not clean Windows-1252 text either (C1 control bytes 0x81, 0x8d).
  throwsData(
    () => parseDataset(new Uint8Array([0x74, 0x2c, 0x6c, 0x0a, 0xc3, 0x28, 0x81, 0x8d, 0x2c, 0x61])),
    /not a text dataset/,
    /UTF-8/,
  );
  const noise = new Uint8Array(4096).map((_, i) => ((i * 7919 + 13) % 250) + 1);
  throwsData(() => parseDataset(noise), /not a text dataset/);
});

test('UTF-16 with a BOM is decoded', () => {
  const s = 'text,label\nhello,a\nworld,b\nfoo,a\nbar,b\n';
  const bytes = new Uint8Array(2 + s.length * 2);
  bytes[0] = 0xff;
  bytes[1] = 0xfe;
  for (let i = 0; i < s.length; i++) bytes[2 + 2 * i] = s.charCodeAt(i);
  assert.deepEqual(parseDataset(bytes).texts, ['hello', 'world', 'foo', 'bar']);
});

test('a constant extra column is not taken as the label', () => {
  const d = parseDataset(
    'x;source;y\nhello there my friend;web;a\ngood bye my friend;web;b\nsee you soon;web;a\nnot now;web;b\n',
  );
  assert.equal(d.labelColumn, 'y');
  assert.equal(d.textColumn, 'x');
});

test('a Windows-1252 CSV (not UTF-8) is read with a warning', () => {
  const latin = 'v1,v2\nham,Caf\u00e9 at 5?\nspam,Win \u00a31000 now\nham,ok\nspam,free entry\n';
  const bytes = Uint8Array.from(latin, (ch) => ch.charCodeAt(0));
  const d = parseDataset(bytes);
  assert.equal(d.texts[0], 'Caf\u00e9 at 5?');
  assert.equal(d.texts[1], 'Win \u00a31000 now');
  assert.ok(d.warnings.some((w) => /Windows-1252/.test(w)));
});

test('Kaggle-style header with empty trailing cells ("v1,v2,,,") is a header', () => {
  const body = Array.from({ length: 11 }, (_, i) => `${i % 2 ? 'spam' : 'ham'},"message, number ${i}",,,`).join('\n');
  // One row in twelve has a fragment in an unnamed column (as in the real file): still a header.
  const d = parseDataset(`v1,v2,,,\n${body}\nham,"part one"," part two",,\n`);
  assert.equal(d.hasHeader, true);
  assert.deepEqual(d.columns, ['v1', 'v2', 'column 2', 'column 3', 'column 4']);
  assert.equal(d.labelColumn, 'v1');
  assert.equal(d.textColumn, 'v2');
  assert.equal(d.texts.length, 12);
  assert.equal(d.texts[0], 'message, number 0');
});

test('unquoted commas inside a text column that is not last: label found after the text', () => {
  const d = parseDataset(
    '1,Hello, how are you,ham\n2,Win, win, win,spam\n3,ok,ham\n4,free stuff,spam\n5,call me,ham\n',
  );
  assert.equal(d.hasHeader, false);
  assert.equal(d.columns.length, 3);
  assert.deepEqual(d.texts, ['Hello, how are you', 'Win, win, win', 'ok', 'free stuff', 'call me']);
  assert.deepEqual(d.labels, ['ham', 'spam', 'ham', 'spam', 'ham']);
});
