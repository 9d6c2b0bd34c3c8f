import assert from 'node:assert/strict';
import { it } from 'node:test';
import { WordPiece } from '../../src/tokenizer/wordpiece';

function wp(tokens: string[], prefix = '##', maxChars = 100): (word: string) => number[] {
  const model = new WordPiece({
    vocab: new Map(tokens.map((t, i) => [t, i])),
    unkId: 999,
    continuingSubwordPrefix: prefix,
    maxInputCharsPerWord: maxChars,
  });
  return (word) => {
    const out = [7]; // something already there: the model appends and must not touch it
    model.encodeWord(`<${word}>`, 1, word.length + 1, out);
    assert.equal(out[0], 7);
    return out.slice(1);
  };
}

it('greedy longest-match-first, no backtracking (HF): abcd with {abc, ab, ##cd} → [UNK]', () => {
  const enc = wp(['abc', 'ab', '##cd', '##d', 'un', 'una', '##aff', '##able', '##ffable']);
  assert.deepEqual(enc('abcd'), [0, 3]); // abc + ##d
  const noD = wp(['abc', 'ab', '##cd']);
  assert.deepEqual(noD('abcd'), [999]); // abc, then "d" has no piece: the whole word is [UNK] (ab + ##cd not tried)
  assert.deepEqual(enc('unaffable'), [5, 8]); // una + ##ffable (longest first), not un + ##aff + ##able
});

it('max_input_chars_per_word: > max code points → [UNK]; exactly max is fine', () => {
  const enc = wp(['a', '##a'], '##', 5);
  assert.deepEqual(enc('aaaaa'), [0, 1, 1, 1, 1]);
  assert.deepEqual(enc('aaaaaa'), [999]);
});

it('a match never ends between the halves of a surrogate pair', () => {
  // A (malformed) vocab entry holding only the high surrogate of 😀 must not match the start of 😀.
  const enc = wp(['x', '##\ud83d', '##😀']);
  assert.deepEqual(enc('x😀'), [0, 2]);
  const onlyHalf = wp(['x', '##\ud83d']);
  assert.deepEqual(onlyHalf('x😀'), [999]);
});

it('an empty continuing_subword_prefix uses the whole vocabulary for continuations', () => {
  const enc = wp(['ab', 'c'], '');
  assert.deepEqual(enc('abc'), [0, 1]);
});
