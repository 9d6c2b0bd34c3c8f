import assert from 'node:assert/strict';
import { it } from 'node:test';
import { applyTemplate, longestFirst, specialCount, type TemplatePiece } from '../../src/tokenizer/post-processor';

it('longestFirst reproduces the table of tokenizers (Rust) truncate_encodings_longest_first, max_length 7', () => {
  // Lengths 0 / 2 / 4 / 8 (empty, short, medium, long) and the expected cut lengths, copied from
  // huggingface/tokenizers tokenizers/src/utils/truncation.rs (test truncate_encodings_longest_first).
  const cases: [number, number, number, number][] = [
    [0, 0, 0, 0],
    [0, 2, 0, 2],
    [0, 4, 0, 4],
    [0, 8, 0, 7],
    [2, 0, 2, 0],
    [2, 2, 2, 2],
    [2, 4, 2, 4],
    [2, 8, 2, 5],
    [4, 0, 4, 0],
    [4, 2, 4, 2],
    [4, 4, 3, 4],
    [4, 8, 3, 4],
    [8, 0, 7, 0],
    [8, 2, 5, 2],
    [8, 4, 4, 3],
    [8, 8, 3, 4],
  ];
  for (const [l1, l2, n1, n2] of cases) assert.deepEqual(longestFirst(l1, l2, 7), [n1, n2], `${l1}+${l2}`);
  // max_length 0 (truncate_encodings_empty): everything goes.
  assert.deepEqual(longestFirst(4, 4, 0), [0, 0]);
});

it('applyTemplate writes specials, sequences and type ids; addSpecialTokens=false keeps only sequences', () => {
  const pair: TemplatePiece[] = [
    { kind: 'special', ids: [101], typeId: 0 },
    { kind: 'sequence', seq: 'A', typeId: 0 },
    { kind: 'special', ids: [102], typeId: 0 },
    { kind: 'sequence', seq: 'B', typeId: 1 },
    { kind: 'special', ids: [102], typeId: 1 },
  ];
  assert.equal(specialCount(pair), 3);
  const e = applyTemplate(pair, [7, 8], [9], true);
  assert.deepEqual(Array.from(e.inputIds), [101, 7, 8, 102, 9, 102]);
  assert.deepEqual(Array.from(e.tokenTypeIds), [0, 0, 0, 0, 1, 1]);
  const bare = applyTemplate(pair, [7, 8], [9], false);
  assert.deepEqual(
    [Array.from(bare.inputIds), Array.from(bare.tokenTypeIds)],
    [
      [7, 8, 9],
      [0, 0, 1],
    ],
  );
});
