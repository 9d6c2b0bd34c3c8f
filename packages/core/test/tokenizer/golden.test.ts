/**
 * Golden id sequences for tricky strings, derived WITHOUT this code:
 *  - the expected pre-tokens were worked out by hand from HF's rules (BertNormalizer: clean text, CJK padding,
 *    NFD + drop Mn, per-character lowercase; BertPreTokenizer: whitespace + punctuation split);
 *  - each WordPiece split and id was looked up in ../shared/data/bert-base-uncased/vocab.txt with grep
 *    (id = line number − 1, `grep -nxF -- TOKEN vocab.txt`), running greedy longest-match-first by hand in a shell
 *    loop (try the longest remaining substring, "##"-prefixed after the first piece, shrink until grep finds it).
 * Every [token, id] pair below is also checked against vocab.txt itself, so a typo in a hand lookup fails loudly.
 * Both construction paths (tokenizer.json, vocab.txt + tokenizer_config.json) must give these ids.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { createTokenizer } from '../../src/tokenizer/tokenizer';
import type { Tokenizer } from '../../src/tokenizer/types';

const FIX = 'data/format-fixtures/hf/bert-tiny-finetuned';
const VOCAB = 'data/bert-base-uncased/vocab.txt';
const skip = skipUnlessShared(FIX) || skipUnlessShared(VOCAB);

function load(): { vocab: string[]; fromJson: Tokenizer; fromVocab: Tokenizer } {
  const read = (f: string): string => readFileSync(sharedPath(`${FIX}/${f}`)!, 'utf8');
  const config = JSON.parse(read('tokenizer_config.json')) as unknown;
  return {
    vocab: readFileSync(sharedPath(VOCAB)!, 'utf8').split('\n'),
    fromJson: createTokenizer({ tokenizerJson: JSON.parse(read('tokenizer.json')), tokenizerConfig: config }),
    fromVocab: createTokenizer({
      vocabTxt: read('vocab.txt'),
      tokenizerConfig: config,
      specialTokensMap: JSON.parse(read('special_tokens_map.json')),
    }),
  };
}

type Golden = readonly [text: string, pieces: readonly (readonly [string, number])[], how: string];
const THE = 'the'.repeat(33);

// prettier-ignore
const GOLDEN: readonly Golden[] = [
  ['Héllo, Naïve CAFÉ résumé!', [['hello', 7592], [',', 1010], ['naive', 15743], ['cafe', 7668], ['resume', 13746], ['!', 999]],
    'NFD + drop Mn removes the accents, lowercase; "," and "!" split off'],
  ['中文𠀀𠀁', [['中', 1746], ['文', 1861], ['[UNK]', 100], ['[UNK]', 100]],
    'U+20000 and U+20001 are CJK Ext. B: each is its own word (not in vocab → one [UNK] each)'],
  ['a𠀀b', [['a', 1037], ['[UNK]', 100], ['b', 1038]],
    'an astral CJK char between Latin letters still splits the word in three'],
  ['ok 😀 ok😀 I ❤️ it', [['ok', 7929], ['[UNK]', 100], ['[UNK]', 100], ['i', 1045], ['[UNK]', 100], ['it', 2009]],
    '😀 (So) is not punctuation: "ok😀" is one word, ##😀 not in vocab → whole word [UNK]; U+FE0F is Mn, stripped'],
  ['zero\u200bwidth a\u0000b\u0007c\td\u00ade\ufeff x\u0085y p\u00a0q', [['zero', 5717], ['##wi', 9148], ['##dt', 11927], ['##h', 2232], ['abc', 5925], ['de', 2139], ['x', 1060], ['##y', 2100], ['p', 1052], ['q', 1053]],
    'ZWSP, soft hyphen, BOM (Cf) and \\0, BEL, NEL (Cc) are dropped; TAB and NBSP become spaces'],
  ['x\ue000y a\u0378b', [['x', 1060], ['##y', 2100], ['[UNK]', 100]],
    'private use U+E000 (Co) is dropped; unassigned U+0378 (Cn) is kept (tokenizers: control = Cc|Cf|Co) → one unknown word'],
  [`${THE}a`, [['the', 1996], ...Array.from({ length: 32 }, () => ['##the', 10760] as const), ['##a', 2050]],
    '100 characters = max_input_chars_per_word: still split (greedy: "##the" is the longest piece each time)'],
  [`${THE}ab`, [['[UNK]', 100]], '101 characters > 100 → [UNK]'],
  ['https://www.example.com/path?q=1&x=y', [['https', 16770], [':', 1024], ['/', 1013], ['/', 1013], ['www', 7479], ['.', 1012], ['example', 2742], ['.', 1012], ['com', 4012], ['/', 1013], ['path', 4130], ['?', 1029], ['q', 1053], ['=', 1027], ['1', 1015], ['&', 1004], ['x', 1060], ['=', 1027], ['y', 1061]],
    'every ASCII symbol is punctuation'],
  ['Call 08452810075 now', [['call', 2655], ['08', 5511], ['##45', 19961], ['##28', 22407], ['##100', 18613], ['##75', 23352], ['now', 2085]],
    'no longer prefix of 08452810075 is in vocab: 08 | ##45 | ##28 | ##100 | ##75'],
  ['&amp; &lt;3', [['&', 1004], ['amp', 23713], [';', 1025], ['&', 1004], ['lt', 8318], [';', 1025], ['3', 1017]],
    'HTML entities are not decoded: & and ; split off'],
  ['мир ελλάδα שלום 中文 Hello', [['м', 1191], ['##и', 10325], ['##р', 16856], ['ε', 1159], ['##λ', 29727], ['##λ', 29727], ['##α', 14608], ['##δ', 29722], ['##α', 14608], ['ש', 1266], ['##ל', 29799], ['##ו', 29792], ['##ם', 29800], ['中', 1746], ['文', 1861], ['hello', 7592]],
    'Cyrillic / Greek (accent stripped) / Hebrew fall back to single letters'],
  ['[CLS] hi[SEP]there [sep] [MASK]', [['[CLS]', 101], ['hi', 7632], ['[SEP]', 102], ['there', 2045], ['[', 1031], ['sep', 19802], [']', 1033], ['[MASK]', 103]],
    'special tokens written in the text are matched case-sensitively before normalisation (BertTokenizerFast)'],
  ['ΟΔΟΣ', [['ο', 1169], ['##δ', 29722], ['##ο', 29730], ['##σ', 29733]],
    'per-character lowercase: final Σ → σ (not ς = 19579, which String#toLowerCase would give)'],
  ['İstanbul', [['istanbul', 9960]], 'İ → I + U+0307 (Mn, dropped) → i'],
];

describe('golden ids (hand-derived from vocab.txt)', { skip }, () => {
  const t = skip ? undefined : load();

  it('every hand lookup agrees with vocab.txt', () => {
    for (const [, pieces] of GOLDEN)
      for (const [tok, id] of pieces) assert.equal(t!.vocab[id], tok, `vocab.txt line ${id + 1} should be ${tok}`);
  });

  for (const [text, pieces, how] of GOLDEN) {
    it(`${JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}…` : text)}: ${how}`, () => {
      const expected = [101, ...pieces.map(([, id]) => id), 102];
      for (const tok of [t!.fromJson, t!.fromVocab]) {
        const enc = tok.encode(text, undefined, { maxLength: 512 });
        assert.deepEqual(Array.from(enc.inputIds), expected);
        assert.deepEqual(
          Array.from(enc.tokenTypeIds),
          expected.map(() => 0),
        );
        assert.deepEqual(
          tok.tokenize(text),
          pieces.map(([s]) => s),
        );
      }
    });
  }

  it('pairs: [CLS] A [SEP] B [SEP] with token_type_ids 0…0 1…1', () => {
    const enc = t!.fromJson.encode('hello world', 'good morning');
    assert.deepEqual(Array.from(enc.inputIds), [101, 7592, 2088, 102, 2204, 2851, 102]);
    assert.deepEqual(Array.from(enc.tokenTypeIds), [0, 0, 0, 0, 1, 1, 1]);
  });

  it('truncation: single text keeps the first maxLength − 2 tokens', () => {
    const enc = t!.fromVocab.encode('hello world good morning', undefined, { maxLength: 4 });
    assert.deepEqual(Array.from(enc.inputIds), [101, 7592, 2088, 102]);
  });

  it('truncation of pairs is longest-first as in tokenizers (Rust): 5+2 tokens into 4 → 2+2', () => {
    const enc = t!.fromJson.encode('hello world good morning hello', 'good morning', { maxLength: 7 });
    assert.deepEqual(Array.from(enc.inputIds), [101, 7592, 2088, 102, 2204, 2851, 102]);
    assert.deepEqual(Array.from(enc.tokenTypeIds), [0, 0, 0, 0, 1, 1, 1]);
  });

  it('truncation of equal-length pairs gives the extra token to the second text (Rust), 3+3 into 3 → 1+2', () => {
    // The slow Python tokenizer would keep 2+1 here; BertTokenizerFast (what AutoTokenizer returns) keeps 1+2.
    const enc = t!.fromVocab.encode('hello world good', 'good morning hello', { maxLength: 6 });
    assert.deepEqual(Array.from(enc.inputIds), [101, 7592, 102, 2204, 2851, 102]);
  });

  it('tokenize_chinese_chars: false keeps CJK runs together as one word (中 ##文)', () => {
    const read = (f: string): string => readFileSync(sharedPath(`${FIX}/${f}`)!, 'utf8');
    const tok = createTokenizer({
      vocabTxt: read('vocab.txt'),
      tokenizerConfig: { do_lower_case: true, tokenize_chinese_chars: false },
    });
    assert.deepEqual(Array.from(tok.encode('中文').inputIds), [101, 1746, 30387, 102]);
  });
});
