/**
 * Fuzz: dataset files (CSV / TSV / JSONL, parseDataset). Inputs: tables generated row by row with hostile cells
 * (quotes, delimiters, line breaks, BOMs, control and replacement characters, empty cells), rows of the real SMS
 * corpus in ../shared (when present), both damaged at byte level; JSONL with mutated records; binary headers.
 * Result: texts and labels of equal length, none empty. Stated bound: 64 × input + 16 MiB of buffers.
 */
import './support/alloc-meter';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseDataset } from '../../src/data';
import { sharedPath } from '../../test-support/shared';
import { fuzzSync, stopWatchdog, REPLAY } from './support/harness';
import { applyByteOps, applyJsonOps, byteOps, hostileName, jsonOps, jsonText } from './support/mutate';

after(stopWatchdog);

const enc = new TextEncoder();
const sms = sharedPath('data/sms-spam/SMSSpamCollection.tsv');
const SMS_LINES = sms ? readFileSync(sms, 'utf8').split('\n').slice(0, 400) : ['ham\thello there', 'spam\tWIN now'];

const cell = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('ham', 'spam', 'pos', 'neg', '1', '0') },
  { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '"',
      '""',
      '"a,b"',
      'a\tb',
      'line\nbreak',
      '\r\n',
      '\ufeff',
      '\ufffd\ufffd',
      '\u0000',
      ';',
      '|',
      '  ',
      '',
    ),
  },
  { weight: 1, arbitrary: hostileName },
);

const table = fc
  .record({
    rows: fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 30 }),
    sep: fc.constantFrom(',', '\t', ';', '|'),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    header: fc.boolean(),
    quote: fc.boolean(),
  })
  .map(({ rows, sep, eol, header, quote }) => {
    const q = (c: string) => (quote ? `"${c.replace(/"/g, '""')}"` : c);
    const lines = rows.map((r) => r.map(q).join(sep));
    if (header) lines.unshift(['label', 'text', 'extra', 'more'].slice(0, rows[0]!.length).join(sep));
    return lines.join(eol);
  });

const smsChunk = fc
  .tuple(fc.nat(), fc.integer({ min: 2, max: 80 }))
  .map(([at, n]) => SMS_LINES.slice(at % SMS_LINES.length, (at % SMS_LINES.length) + n).join('\n'));

const jsonl = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('ham', 'spam', 'x'), fc.string({ maxLength: 20 })), {
      minLength: 1,
      maxLength: 20,
    }),
    jsonOps(3),
    fc.boolean(),
  )
  .map(([rows, ops, asArray]) => {
    const records = applyJsonOps(
      rows.map(([label, text]) => ({ label, text })),
      ops,
    );
    if (asArray) return jsonText(records);
    return Array.isArray(records) ? records.map(jsonText).join('\n') : jsonText(records);
  });

const text = fc.oneof(table, smsChunk, jsonl);
const input = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(text, fc.constantFrom(undefined, 'data.csv', 'data.tsv', 'data.jsonl', 'data.txt'))
      .map(([t, n]) => ({ data: t as string | Uint8Array, fileName: n })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(text, byteOps(3), fc.constantFrom(undefined, 'data.csv', 'data.tsv', 'data.jsonl'))
      .map(([t, ops, n]) => ({ data: applyByteOps(enc.encode(t), ops) as string | Uint8Array, fileName: n })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(undefined, 'data.csv'))
      .map(([b, n]) => ({ data: b as string | Uint8Array, fileName: n })),
  },
);

test('fuzz datasets (CSV / TSV / JSONL): texts and labels, or a DataError with a hint', (t) => {
  const stats = fuzzSync({
    name: 'dataset',
    input: fc.tuple(input, fc.boolean()),
    read: ([d, validate]: [{ data: string | Uint8Array; fileName: string | undefined }, boolean]) =>
      parseDataset(d.data, { ...(d.fileName ? { fileName: d.fileName } : {}), validate }),
    check: (ds) => {
      assert.equal(ds.texts.length, ds.labels.length);
      for (let i = 0; i < ds.texts.length; i++)
        assert.ok(ds.texts[i]!.trim() !== '' && ds.labels[i]!.trim() !== '', `row ${i} empty`);
      assert.ok(ds.columns.includes(ds.textColumn) && ds.columns.includes(ds.labelColumn));
    },
    size: ([d]) => (typeof d.data === 'string' ? 3 * d.data.length : d.data.byteLength),
    runs: 150,
  });
  t.diagnostic(`datasets: ${stats.runs} inputs, ${stats.accepted} parsed, ${stats.refused} refused with a typed error`);
  assert.ok(REPLAY || (stats.refused > 0 && stats.accepted > 0), 'the inputs exercise both outcomes');
});

test('regression found by this fuzzing: a JSONL cell nested too deep for JSON.stringify is read as a placeholder', () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const rows = Array.from({ length: 6 }, (_, i) => `{"label":"${i % 2 ? 'a' : 'b'}","text":"t${i}","meta":${deep}}`);
  const ds = parseDataset(rows.join('\n'), { fileName: 'x.jsonl' });
  assert.equal(ds.texts.length, 6);
});
