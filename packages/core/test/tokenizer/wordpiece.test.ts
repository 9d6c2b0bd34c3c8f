import assert from 'node:assert/strict';
import { it } from 'node:test';
import { readFileSync } from 'node:fs';
import { WordPiece } from '../../src/tokenizer/wordpiece';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';

const VOCAB = 'data/bert-base-uncased/vocab.txt';

/**
 * Encodes a word twice, with the sub-tries built at once and with vocabulary lookups only (the two ways WordPiece
 * finds pieces, see buildTrieAfter): both must give the same ids, which are returned.
 */
function wp(tokens: string[], prefix = '##', maxChars = 100): (word: string) => number[] {
  const model = (buildTrieAfter: number) =>
    new WordPiece({
      vocab: new Map(tokens.map((t, i) => [t, i])),
      unkId: 999,
      continuingSubwordPrefix: prefix,
      maxInputCharsPerWord: maxChars,
      buildTrieAfter,
    });
  const tries = model(0);
  const lookups = model(Infinity);
  return (word) => {
    const [a, b] = [tries, lookups].map((m) => {
      const out = [7]; // something already there: the model appends and must not touch it
      m.encodeWord(`<${word}>`, 1, word.length + 1, out);
      assert.equal(out[0], 7);
      return out.slice(1);
    });
    assert.deepEqual(b, a, `lookups and tries differ on ${JSON.stringify(word)}`);
    return a!;
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

it(
  "bert-base's vocabulary over the SMS corpus: the lookups before a sub-trie is built give the trie's ids",
  {
    skip: skipUnlessShared('data/sms-spam/SMSSpamCollection.tsv') || skipUnlessShared(VOCAB),
  },
  () => {
    const lines = readFileSync(sharedPath(VOCAB)!, 'utf8').split('\n');
    lines.pop();
    const vocab = new Map(lines.map((t, i) => [t, i]));
    const model = (buildTrieAfter: number) =>
      new WordPiece({
        vocab,
        unkId: vocab.get('[UNK]')!,
        continuingSubwordPrefix: '##',
        maxInputCharsPerWord: 100,
        buildTrieAfter,
      });
    const tries = model(0);
    const lookups = model(Infinity);
    const sms = readFileSync(sharedPath('data/sms-spam/SMSSpamCollection.tsv')!, 'utf8');
    let words = 0;
    for (const line of sms.split('\n')) {
      // lower-cased, split on anything but letters and digits: the words WordPiece sees, roughly
      for (const word of (line.split('\t')[1] ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
        if (word === '') continue;
        const a: number[] = [];
        const b: number[] = [];
        tries.encodeWord(word, 0, word.length, a);
        lookups.encodeWord(word, 0, word.length, b);
        assert.deepEqual(b, a, word);
        words++;
      }
    }
    assert.ok(words > 50_000, `${words} words`);
  },
);
