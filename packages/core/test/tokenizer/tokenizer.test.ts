/**
 * Behaviour of createTokenizer on small hand-made vocabularies (no ../shared needed): construction paths and their
 * errors, maxLength clamping, special/added tokens, never_split, code-point counting, batch output, fingerprint,
 * and a 10 MB text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenizerError } from '../../src/errors';
import { NO_MODEL_LIMIT, createTokenizer } from '../../src/tokenizer/tokenizer';

// id = index, as in a vocab.txt.
const VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  'hello',
  'world',
  '##s',
  'a',
  '##😀',
  'un',
  '##aff',
  '##able',
  '!',
  ',',
  'x',
  '##x',
  'é',
  'e',
  '<new>',
  'café',
  'Hello',
  '中',
  '##文',
  'the',
  '##the',
];
const vocabTxt = VOCAB.join('\n') + '\n';
const ID = (t: string): number => VOCAB.indexOf(t);

function tokenizerJson(over: Record<string, unknown> = {}): Record<string, unknown> {
  const special = (content: string): Record<string, unknown> => ({
    id: ID(content),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', ID('[SEP]')], cls: ['[CLS]', ID('[CLS]')] },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])),
    },
    ...over,
  };
}

const ids = (e: { inputIds: Int32Array }): number[] => Array.from(e.inputIds);

describe('createTokenizer: construction', () => {
  it('builds the same tokenizer from tokenizer.json (BertProcessing) and from vocab.txt', () => {
    const a = createTokenizer({ tokenizerJson: tokenizerJson() });
    const b = createTokenizer({ vocabTxt, tokenizerConfig: { do_lower_case: true } });
    for (const text of ['Hello worlds!', 'unaffable, x', 'Café 中文 [MASK]', ''])
      assert.deepEqual(ids(a.encode(text)), ids(b.encode(text)));
    assert.deepEqual(ids(a.encode('Hello worlds!')), [2, 5, 6, 7, 13, 3]);
    assert.deepEqual(a.specialIds, { cls: 2, sep: 3, pad: 0, unk: 1, mask: 4 });
    assert.equal(a.vocabSize, VOCAB.length);
    assert.equal(a.tokenToId('##aff'), 11);
    assert.equal(a.idToToken(12), '##able');
    assert.equal(a.fingerprint, b.fingerprint);
    assert.match(a.fingerprint, /^[0-9a-f]{16}$/);
  });

  it('an added token whose text appears twice (two ids): tokenToId gives the last, idToToken gives the text at both', () => {
    const extra = (id: number) => ({
      id,
      content: 'X',
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    });
    const json = tokenizerJson({
      added_tokens: [...(tokenizerJson().added_tokens as unknown[]), extra(VOCAB.length), extra(VOCAB.length + 2)],
    });
    const t = createTokenizer({ tokenizerJson: json });
    assert.equal(t.tokenToId('X'), VOCAB.length + 2);
    assert.equal(t.idToToken(VOCAB.length), 'X');
    assert.equal(t.idToToken(VOCAB.length + 1), undefined);
    assert.equal(t.idToToken(VOCAB.length + 2), 'X');
    assert.equal(t.vocabSize, VOCAB.length + 3);
  });

  it('rejects tokenizers it does not implement, with a TokenizerError naming the part', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ model: { type: 'BPE', vocab: {}, merges: [] } }, /model type BPE/],
      [{ model: { type: 'Unigram', vocab: [] } }, /model type Unigram/],
      [{ model: { vocab: { a: 0 }, merges: [] } }, /model type .* is not supported/],
      [{ normalizer: { type: 'Lowercase' } }, /normalizer type Lowercase/],
      [{ pre_tokenizer: { type: 'ByteLevel' } }, /pre_tokenizer type ByteLevel/],
      [{ pre_tokenizer: null }, /pre_tokenizer/],
      [{ post_processor: { type: 'RobertaProcessing' } }, /post_processor type RobertaProcessing/],
    ];
    for (const [over, re] of cases) {
      assert.throws(
        () => createTokenizer({ tokenizerJson: tokenizerJson(over) }),
        (e: unknown) => e instanceof TokenizerError && re.test(e.message),
      );
    }
    assert.throws(() => createTokenizer({}), /need tokenizer.json, or vocab.txt/);
    assert.throws(() => createTokenizer({ tokenizerJson: [] }), TokenizerError);
    assert.throws(() => createTokenizer({ vocabTxt: '' }), /vocab.txt is empty/);
    assert.throws(() => createTokenizer({ vocabTxt: 'a\nb\n' }), /unk_token "\[UNK\]" is not in vocab.txt/);
    assert.throws(() => createTokenizer({ vocabTxt, tokenizerConfig: { do_lower_case: 'yes' } }), /do_lower_case/);
  });

  it('tokenizer_config.json overrides the BertNormalizer flags, as BertTokenizerFast.__init__ does', () => {
    const json = tokenizerJson();
    const cased = createTokenizer({ tokenizerJson: json, tokenizerConfig: { do_lower_case: false } });
    assert.deepEqual(cased.tokenize('Hello'), ['Hello']);
    assert.equal(cased.settings.doLowerCase, false);
    // Another tokenizer class: transformers does not touch the normalizer, tokenizer.json wins.
    const generic = createTokenizer({
      tokenizerJson: json,
      tokenizerConfig: { do_lower_case: false, tokenizer_class: 'PreTrainedTokenizerFast' },
    });
    assert.deepEqual(generic.tokenize('Hello'), ['hello']);
    assert.deepEqual(createTokenizer({ tokenizerJson: json }).tokenize('Hello'), ['hello']);
  });

  it('maxLength: default 128, clamped to the model limit; the 1e30 "no limit" sentinel is ignored', () => {
    assert.equal(createTokenizer({ vocabTxt }).settings.maxLength, 128);
    assert.equal(createTokenizer({ vocabTxt }).settings.modelMaxLength, NO_MODEL_LIMIT);
    const sentinel = createTokenizer({ vocabTxt, tokenizerConfig: { model_max_length: 1e30 } }, { maxLength: 1000 });
    assert.equal(sentinel.settings.maxLength, 1000);
    const capped = createTokenizer({ vocabTxt, tokenizerConfig: { model_max_length: 512 } }, { maxLength: 1000 });
    assert.deepEqual([capped.settings.maxLength, capped.settings.modelMaxLength], [512, 512]);
    const both = createTokenizer(
      { vocabTxt, tokenizerConfig: { model_max_length: 512 } },
      { modelMaxLength: 64, maxLength: 100 },
    );
    assert.deepEqual([both.settings.maxLength, both.settings.modelMaxLength], [64, 64]);
    const long = 'hello '.repeat(1000);
    assert.equal(both.encode(long).inputIds.length, 64);
    assert.equal(
      both.encode(long, undefined, { maxLength: 10_000 }).inputIds.length,
      64,
      'per-call maxLength is clamped too',
    );
    assert.equal(both.encode(long, undefined, { maxLength: 5 }).inputIds.length, 5);
    assert.throws(() => both.encode(long, undefined, { maxLength: 1 }), /no room for the 2 special tokens/);
    assert.throws(() => both.encode('x', 'y', { maxLength: 2 }), /no room for the 3 special tokens/);
    assert.deepEqual(ids(both.encode('x', 'y', { maxLength: 3 })), [2, 3, 3], 'as tokenizers: both cut to 0');
    assert.throws(() => both.encode(long, undefined, { maxLength: 0 }), /maxLength must be a positive integer/);
    assert.throws(() => createTokenizer({ vocabTxt }, { maxLength: 1.5 }), TokenizerError);
  });

  it('addSpecialTokens: false gives bare ids (pairs keep type ids 0 / 1) and truncates to maxLength', () => {
    const t = createTokenizer({ vocabTxt });
    assert.deepEqual(ids(t.encode('hello world', undefined, { addSpecialTokens: false })), [5, 6]);
    const p = t.encode('hello', 'world world', { addSpecialTokens: false });
    assert.deepEqual(
      [ids(p), Array.from(p.tokenTypeIds)],
      [
        [5, 6, 6],
        [0, 1, 1],
      ],
    );
    assert.deepEqual(ids(t.encode('hello world hello', undefined, { addSpecialTokens: false, maxLength: 2 })), [5, 6]);
  });

  it('rejects a non-string text clearly instead of tokenizing "undefined"', () => {
    const t = createTokenizer({ vocabTxt });
    assert.throws(() => t.encode(undefined as unknown as string), /Expected a text string, got undefined/);
    assert.throws(() => t.encodeBatch(['ok', null as unknown as string]), /got null/);
  });
});

describe('createTokenizer: text handling', () => {
  const t = createTokenizer({ vocabTxt });

  it('max_input_chars_per_word counts code points, not UTF-16 units', () => {
    // "a" + 99 × 😀 = 100 code points (199 UTF-16 units): still WordPiece'd; one more → [UNK].
    const w100 = 'a' + '😀'.repeat(99);
    assert.deepEqual(ids(t.encode(w100, undefined, { maxLength: 512 })), [
      2,
      ID('a'),
      ...Array<number>(99).fill(ID('##😀')),
      3,
    ]);
    assert.deepEqual(ids(t.encode(w100 + '😀')), [2, 1, 3]);
  });

  it('never splits a surrogate pair while searching pieces', () => {
    // "x😀" must match x + ##😀, never a piece ending between the two halves of 😀.
    assert.deepEqual(t.tokenize('x😀'), ['x', '##😀']);
    assert.deepEqual(t.tokenize('x😀x'), ['x', '##😀', '##x']);
  });

  it('cased vocab.txt: do_lower_case false keeps case and accents (strip_accents null follows lowercase)', () => {
    const cased = createTokenizer({ vocabTxt, tokenizerConfig: { do_lower_case: false } });
    assert.deepEqual(cased.tokenize('Hello café hello'), ['Hello', 'café', 'hello']);
    const strip = createTokenizer({ vocabTxt, tokenizerConfig: { do_lower_case: false, strip_accents: true } });
    assert.deepEqual(strip.tokenize('café é'), ['[UNK]', 'e']);
    const lowerKeep = createTokenizer({ vocabTxt, tokenizerConfig: { do_lower_case: true, strip_accents: false } });
    assert.deepEqual(lowerKeep.tokenize('CAFÉ É'), ['café', 'é']);
    assert.equal(lowerKeep.settings.stripAccents, false);
    assert.notEqual(lowerKeep.fingerprint, t.fingerprint);
  });

  it('special tokens in the text: exact case-sensitive match anywhere, before normalisation', () => {
    assert.deepEqual(t.tokenize('x[SEP]x [MASK][CLS]'), ['x', '[SEP]', 'x', '[MASK]', '[CLS]']);
    assert.deepEqual(t.tokenize('[mask]'), ['[UNK]', '[UNK]', '[UNK]']); // "[", "mask", "]": not a special token
  });

  it('added tokens from tokenizer.json honour lstrip / rstrip / single_word / normalized', () => {
    const added = (content: string, o: Record<string, boolean>): Record<string, unknown> => ({
      id: ID(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
      ...o,
    });
    const json = tokenizerJson({
      added_tokens: [
        ...(tokenizerJson().added_tokens as unknown[]),
        added('<new>', { single_word: true, special: false }),
        added('Hello', { normalized: true, special: false }),
      ],
    });
    const a = createTokenizer({ tokenizerJson: json });
    assert.deepEqual(a.tokenize('x <new> x'), ['x', '<new>', 'x']);
    // single_word: inside a word the token is not matched, so "<", "new", ">" go through WordPiece.
    assert.deepEqual(a.tokenize('x<new>x'), ['x', '[UNK]', '[UNK]', '[UNK]', 'x']);
    // normalized=true: matched on the lowercased text, so "HELLO" → the added token Hello (id 21), not "hello" (5).
    assert.deepEqual(ids(a.encode('HELLO world', undefined, { addSpecialTokens: false })), [21, 6]);
  });

  it('vocab.txt + tokenizer_config: added_tokens_decoder, additional special tokens, never_split', () => {
    const tok = createTokenizer({
      vocabTxt,
      tokenizerConfig: {
        do_lower_case: true,
        added_tokens_decoder: {
          '19': { content: '<new>', lstrip: true, rstrip: true, normalized: false, single_word: false, special: true },
        },
        never_split: ['Hello'],
      },
    });
    assert.deepEqual(tok.tokenize('x  <new>  x'), ['x', '<new>', 'x']);
    // never_split (slow BertTokenizer semantics): a whitespace-separated "Hello" stays one, un-lowercased token.
    assert.deepEqual(tok.tokenize('Hello hello Hello!'), ['Hello', 'hello', 'hello', '!']);
  });

  it('vocab.txt lines: \\r\\n line ends and a missing final newline give the same ids', () => {
    const crlf = createTokenizer({ vocabTxt: VOCAB.join('\r\n') });
    assert.deepEqual(crlf.tokenize('unaffable hello'), ['un', '##aff', '##able', 'hello']);
    assert.equal(crlf.fingerprint, t.fingerprint);
  });

  it('encodeBatch returns unpadded Int32Arrays, one per text, same as encode', () => {
    const texts = ['hello', 'hello world world', ''];
    const batch = t.encodeBatch(texts);
    assert.equal(batch.length, 3);
    batch.forEach((e, i) => {
      assert.ok(e.inputIds instanceof Int32Array && e.tokenTypeIds instanceof Int32Array);
      assert.equal(e.inputIds.length, e.tokenTypeIds.length);
      assert.deepEqual(ids(e), ids(t.encode(texts[i]!)));
    });
    assert.deepEqual(
      batch.map((e) => e.inputIds.length),
      [3, 5, 2],
    );
  });

  it('tokenizes and truncates a 10 MB text without error, and stops early', () => {
    const unit = 'hello world, unaffable café 中文 x😀 [SEP] ';
    const big = unit.repeat(Math.ceil(10_000_000 / unit.length));
    assert.ok(big.length >= 10_000_000);
    const t0 = performance.now();
    const enc = t.encode(big);
    const ms = performance.now() - t0;
    assert.equal(enc.inputIds.length, 128);
    assert.deepEqual(ids(enc).slice(0, 6), [2, 5, 6, 14, 10, 11]);
    assert.equal(enc.inputIds[127], 3);
    // A pair has to be tokenized in full (longest-first needs both lengths): still fine.
    const pair = t.encode(big, 'hello');
    assert.equal(pair.inputIds.length, 128);
    assert.deepEqual(ids(pair).slice(-3), [3, 5, 3]);
    assert.ok(ms < 60_000, `single 10 MB text took ${ms.toFixed(0)} ms`);
  });
});
