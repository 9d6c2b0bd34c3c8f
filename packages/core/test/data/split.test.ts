import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../src/errors';
import { dedupe, normalizeForDedupe } from '../../src/data/dedupe';
import { buildLabelMap, encodeLabels, naturalCompare } from '../../src/data/labels';
import { mulberry32 } from '../../src/data/random';
import { splitDataset } from '../../src/data/split';

/** A synthetic dataset: `counts[c]` distinct texts of class c, plus the given duplicate rows. */
function synth(counts: Record<string, number>): { texts: string[]; labels: string[] } {
  const texts: string[] = [];
  const labels: string[] = [];
  for (const [c, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++) {
      texts.push(`${c} example number ${i}`);
      labels.push(c);
    }
  }
  return { texts, labels };
}

test('normalisation for duplicates: NFKC, case, whitespace', () => {
  assert.equal(normalizeForDedupe('  Hello\t\nWORLD  '), 'hello world');
  assert.equal(normalizeForDedupe('ﬁne Ｆｕｌｌ'), 'fine full'); // ligature and full-width letters (NFKC)
});

test('dedupe keeps first occurrences and resolves conflicting labels by majority', () => {
  const texts = ['Hi there', 'hi  THERE', 'other', 'HI THERE', 'x', 'X '];
  const labels = ['ham', 'spam', 'ham', 'spam', 'a', 'b'];
  const d = dedupe(texts, labels);
  assert.deepEqual(d.keep, [0, 2, 4]);
  // "hi there": ham ×1, spam ×2 → spam; "x": a ×1, b ×1 → tie → first seen (a).
  assert.deepEqual(d.labels, ['spam', 'ham', 'a']);
  assert.equal(d.duplicatesRemoved, 3);
  assert.equal(d.conflictingGroups, 2);
});

test('label map: natural sorted order, counts, positive class', () => {
  const m = buildLabelMap(['spam', 'ham', 'ham', 'spam', 'ham']);
  assert.deepEqual(m.labels, ['ham', 'spam']);
  assert.deepEqual(m.counts, [3, 2]);
  assert.equal(m.positiveLabel, 'spam');
  assert.equal(m.positiveIndex, 1);
  // A recognised positive name wins over the minority rule.
  assert.equal(buildLabelMap(['1', '1', '1', '0']).positiveLabel, '1');
  // No recognised name: minority class.
  assert.equal(buildLabelMap(['cat', 'dog', 'dog']).positiveLabel, 'cat');
  assert.equal(buildLabelMap(['cat', 'dog'], { positiveLabel: 'dog' }).positiveLabel, 'dog');
  assert.throws(() => buildLabelMap(['cat', 'dog'], { positiveLabel: 'cow' }), DataError);
  const multi = buildLabelMap(['10', '2', '1', '2']);
  assert.deepEqual(multi.labels, ['1', '2', '10']);
  assert.equal(multi.positiveIndex, undefined);
  assert.deepEqual([...encodeLabels(['10', '1'], multi)], [2, 0]);
  assert.throws(() => encodeLabels(['3'], multi), /Label "3"/);
  assert.deepEqual(['b10', 'a', 'b9', 'B'].sort(naturalCompare), ['B', 'a', 'b9', 'b10']);
});

test('mulberry32 is deterministic and roughly uniform', () => {
  const a = mulberry32(123);
  const b = mulberry32(123);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(
    xs,
    Array.from({ length: 1000 }, () => b()),
  );
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.05);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
});

test('split: stratified within ±1 per class, disjoint, complete, every class in every split', () => {
  const counts = { a: 500, b: 73, c: 12, f: 7, g: 5, d: 3, e: 2 };
  const { texts, labels } = synth(counts);
  const s = splitDataset(texts, labels, { seed: 3 });
  const all = [...s.train, ...s.validation, ...s.test];
  assert.equal(new Set(all).size, all.length, 'an index in two splits');
  assert.equal(all.length, texts.length);
  for (const [c, n] of Object.entries(counts)) {
    const count = (idx: number[]): number => idx.filter((i) => labels[i] === c).length;
    const [tr, va, te] = [count(s.train), count(s.validation), count(s.test)];
    assert.deepEqual(s.perClass[c], { train: tr, validation: va, test: te });
    assert.ok(tr >= 1, `${c} has no training example`);
    if (n >= 3) assert.ok(va >= 1 && te >= 1, `${c}: ${va} validation, ${te} test`);
    // Within ±1 of the ratio for every class of ≥ 5 (smaller ones get the 1/1/1 or 1/0/1 minimum instead).
    if (n >= 5) {
      assert.ok(
        Math.abs(va - 0.1 * n) <= 1 && Math.abs(te - 0.1 * n) <= 1 && Math.abs(tr - 0.8 * n) <= 1,
        `${c}: ${tr}/${va}/${te}`,
      );
    }
  }
  assert.deepEqual(s.perClass.e, { train: 1, validation: 0, test: 1 });
  assert.deepEqual(s.perClass.d, { train: 1, validation: 1, test: 1 });
  assert.equal(s.duplicatesRemoved, 0);
});

test('split: no duplicate (normalised) text crosses splits; conflicting labels resolved', () => {
  const { texts, labels } = synth({ ham: 60, spam: 20 });
  // Add 30 near-duplicates of existing texts (case/whitespace variants), some with the other label.
  for (let i = 0; i < 30; i++) {
    texts.push(`  ${texts[i * 2]!.toUpperCase()}  `);
    labels.push(i % 5 === 0 ? 'spam' : labels[i * 2]!);
  }
  const s = splitDataset(texts, labels, { seed: 11 });
  assert.equal(s.duplicatesRemoved, 30);
  const where = new Map<string, string>();
  for (const [name, idx] of Object.entries({ train: s.train, validation: s.validation, test: s.test })) {
    for (const i of idx) {
      const key = normalizeForDedupe(texts[i]!);
      assert.ok(!where.has(key), `"${key}" in ${where.get(key)} and ${name}`);
      where.set(key, name);
    }
  }
  assert.equal(where.size, 80);
  // Each conflicting pair is 1 ham + 1 spam → tie → first label (ham) kept.
  assert.equal(s.conflictingDuplicates, 6);
  assert.equal(s.labels[0], 'ham');
});

test('split: deterministic per seed, different seeds differ', () => {
  const { texts, labels } = synth({ x: 200, y: 100, z: 50 });
  const a = splitDataset(texts, labels, { seed: 5 });
  const b = splitDataset(texts, labels, { seed: 5 });
  const c = splitDataset(texts, labels, { seed: 6 });
  assert.deepEqual([a.train, a.validation, a.test], [b.train, b.validation, b.test]);
  assert.notDeepEqual(a.test, c.test);
  assert.deepEqual(a.counts, c.counts);
});

test('split: custom ratios and errors', () => {
  const { texts, labels } = synth({ x: 100, y: 100 });
  const s = splitDataset(texts, labels, { ratios: [0.6, 0.2, 0.2], seed: 1 });
  assert.deepEqual(s.counts, { train: 120, validation: 40, test: 40 });
  assert.throws(() => splitDataset(texts, labels, { ratios: [0.5, 0.2, 0.2] }), /ratios/);
  // After de-duplication a class may drop below 2 examples: name it.
  assert.throws(
    () => splitDataset(['a b', 'A  B', 'c', 'd', 'e'], ['rare', 'rare', 'x', 'x', 'x']),
    (e: unknown) =>
      e instanceof DataError && /"rare" has fewer than 2 distinct examples after removing 1 duplicate/.test(e.message),
  );
});

test('prepareData: label map after de-duplication, class indices aligned with the rows', async () => {
  const { prepareData } = await import('../../src/data/prepare');
  const texts = ['buy now', 'BUY  NOW', 'hello', 'hi there', 'cheap pills', 'see you', 'meeting at 3', 'win cash'];
  const labels = ['spam', 'spam', 'ham', 'ham', 'spam', 'ham', 'ham', 'spam'];
  const p = prepareData({ texts, labels }, { seed: 1 });
  assert.deepEqual(p.labelMap.labels, ['ham', 'spam']);
  assert.deepEqual(p.labelMap.counts, [4, 3]);
  assert.equal(p.labelMap.positiveLabel, 'spam');
  assert.deepEqual([...p.y], [1, 1, 0, 0, 1, 0, 0, 1]);
  assert.equal(p.split.duplicatesRemoved, 1);
});
