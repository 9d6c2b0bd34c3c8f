/**
 * Fuzz: config.json (parseBertConfig) and the tokenizer files (tokenizer.json; vocab.txt + tokenizer_config.json +
 * special_tokens_map.json). Seeds: the real files of ../shared/data/format-fixtures/hf (tokenizer.json and vocab.txt cut to
 * their first 1,000 tokens to keep runs fast) and the fixture writer's config. A tokenizer that is built must then
 * encode hostile text into ids inside its vocabulary, within the length limit.
 * Stated bound: 64 × input + 16 MiB of buffers (harness allocBound).
 */
import './support/alloc-meter';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseBertConfig } from '../../src/config';
import { ConfigError, TokenizerError } from '../../src/errors';
import { createTokenizer } from '../../src/tokenizer';
import type { TokenizerFiles } from '../../src/tokenizer/types';
import { fixtureConfig } from '../../test-support/fixtures';
import { SMALL_SHAPE } from '../../test-support/hub-fixtures';
import { sharedPath } from '../../test-support/shared';
import { fuzzSync, jsonSize, stopWatchdog, REPLAY } from './support/harness';
import { applyJsonOps, hostileName, jsonOps } from './support/mutate';

after(stopWatchdog);

const readJson = (rel: string): unknown => {
  const p = sharedPath(rel);
  return p ? (JSON.parse(readFileSync(p, 'utf8')) as unknown) : undefined;
};
const HF = 'data/format-fixtures/hf';
const CONFIGS = [
  fixtureConfig({ shape: SMALL_SHAPE }),
  readJson(`${HF}/bert-base-uncased/config.json`),
  readJson(`${HF}/all-MiniLM-L6-v2/config.json`),
  readJson(`${HF}/bert-tiny-finetuned/config.json`),
].filter((c) => c !== undefined);

test('fuzz config.json: a valid BertConfig or a ConfigError with a hint', (t) => {
  const stats = fuzzSync({
    name: 'config.json',
    input: fc.tuple(fc.constantFrom(...CONFIGS), jsonOps(3)).map(([c, ops]) => applyJsonOps(c, ops)),
    read: (json: unknown) => parseBertConfig(json),
    check: (c) => {
      for (const k of [
        'vocabSize',
        'hiddenSize',
        'numHiddenLayers',
        'numAttentionHeads',
        'intermediateSize',
        'maxPositionEmbeddings',
        'typeVocabSize',
      ] as const)
        assert.ok(Number.isSafeInteger(c[k]) && c[k] > 0, k);
      assert.equal(c.hiddenSize % c.numAttentionHeads, 0);
      assert.ok(c.padTokenId >= 0 && c.padTokenId < c.vocabSize);
      assert.ok(c.layerNormEps > 0 && Number.isFinite(c.layerNormEps));
    },
    size: jsonSize,
    runs: 300,
  });
  t.diagnostic(
    `config.json: ${stats.runs} inputs, ${stats.accepted} read, ${stats.refused} refused with a typed error`,
  );
  assert.ok(REPLAY || (stats.refused > 0 && stats.accepted > 0), 'the inputs exercise both outcomes');
});

function cutVocab(tj: unknown, n: number): unknown {
  const j = structuredClone(tj) as { model: { vocab: Record<string, number> } };
  j.model.vocab = Object.fromEntries(Object.entries(j.model.vocab).filter(([, id]) => id < n));
  return j;
}
const TOKENIZER_JSON = [
  readJson(`${HF}/bert-tiny-finetuned/tokenizer.json`),
  readJson(`${HF}/all-MiniLM-L6-v2/tokenizer.json`),
]
  .filter((x) => x !== undefined)
  .map((x) => cutVocab(x, 1000));
const vocabFile = sharedPath(`${HF}/bert-tiny-finetuned/vocab.txt`);
const VOCAB_TXT = vocabFile
  ? readFileSync(vocabFile, 'utf8').split('\n').slice(0, 1000).join('\n') + '\n'
  : '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n##lo\n';
const TOKENIZER_CONFIG = readJson(`${HF}/bert-tiny-finetuned/tokenizer_config.json`) ?? { do_lower_case: true };
const SPECIAL_MAP = readJson(`${HF}/bert-tiny-finetuned/special_tokens_map.json`) ?? {};

const text = fc.oneof(
  fc.string({ maxLength: 200, unit: 'binary' }),
  fc.string({ maxLength: 40, unit: 'grapheme' }),
  fc.constantFrom(
    '[CLS] [SEP] [MASK] hello',
    'a'.repeat(5000),
    '\u0000\ufffd\u200b\u0301é中文 Ｈｅｌｌｏ',
    ' '.repeat(300),
  ),
  hostileName,
);

const tokenizerFiles: fc.Arbitrary<TokenizerFiles> = fc.oneof(
  ...(TOKENIZER_JSON.length > 0
    ? [
        fc
          .tuple(fc.constantFrom(...TOKENIZER_JSON), jsonOps(3), fc.option(jsonOps(2), { nil: undefined }))
          .map(([tj, ops, cfgOps]) => ({
            tokenizerJson: applyJsonOps(tj, ops),
            tokenizerConfig: cfgOps ? applyJsonOps(TOKENIZER_CONFIG, cfgOps) : TOKENIZER_CONFIG,
          })),
      ]
    : []),
  fc
    .tuple(
      fc.oneof(
        fc.constant(VOCAB_TXT),
        fc
          .tuple(
            fc.array(fc.oneof(hostileName, fc.string({ maxLength: 8 })), { maxLength: 20 }),
            fc.nat(),
            fc.constantFrom('\n', '\r\n', '\r'),
          )
          .map(([lines, at, eol]) => {
            const v = VOCAB_TXT.split('\n');
            v.splice(at % v.length, 0, ...lines);
            return v.join(eol);
          }),
        fc.string({ maxLength: 300 }),
      ),
      jsonOps(3),
      fc.option(jsonOps(2), { nil: undefined }),
    )
    .map(([vocabTxt, ops, mapOps]) => ({
      vocabTxt,
      tokenizerConfig: applyJsonOps(TOKENIZER_CONFIG, ops),
      specialTokensMap: mapOps ? applyJsonOps(SPECIAL_MAP, mapOps) : SPECIAL_MAP,
    })),
);

test('fuzz tokenizer files: a working tokenizer (ids inside the vocabulary, length limit kept) or a TokenizerError', (t) => {
  const stats = fuzzSync({
    name: 'tokenizer',
    input: fc.tuple(tokenizerFiles, fc.array(text, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 600 })),
    read: ([files, texts, maxLength]: [TokenizerFiles, string[], number]) => {
      const tok = createTokenizer(files, { maxLength });
      return { tok, encodings: texts.map((s) => tok.encode(s)), pair: tok.encode(texts[0]!, texts[texts.length - 1]) };
    },
    check: ({ tok, encodings, pair }) => {
      for (const e of [...encodings, pair]) {
        assert.ok(
          e.inputIds.length <= tok.settings.maxLength,
          `${e.inputIds.length} ids > maxLength ${tok.settings.maxLength}`,
        );
        for (const id of e.inputIds)
          assert.ok(
            Number.isInteger(id) && id >= 0 && id < tok.vocabSize,
            `id ${id} outside the vocabulary (${tok.vocabSize})`,
          );
      }
    },
    size: ([files, texts]) => jsonSize(files) + texts.reduce((a, s) => a + s.length, 0),
    runs: 100,
  });
  t.diagnostic(
    `tokenizer: ${stats.runs} inputs, ${stats.accepted} built and encoded, ${stats.refused} refused with a typed error`,
  );
  assert.ok(REPLAY || (stats.refused > 0 && stats.accepted > 0), 'the inputs exercise both outcomes');
});

test('regressions found by this fuzzing: sizes beyond int32, deep values in tokenizer files', () => {
  const base = fixtureConfig({ shape: SMALL_SHAPE });
  assert.throws(
    () => parseBertConfig({ ...base, type_vocab_size: 2 ** 53 }),
    (e: unknown) => e instanceof ConfigError && /at most 2147483647/.test(e.message),
  );
  let deep: unknown = true;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.throws(
    () =>
      createTokenizer({
        vocabTxt: VOCAB_TXT,
        tokenizerConfig: { added_tokens_decoder: { '5': { content: 'x', lstrip: deep } } },
      }),
    (e: unknown) => e instanceof TokenizerError && /a deeply nested list/.test(e.message),
  );
  if (TOKENIZER_JSON.length > 0) {
    const tj = structuredClone(TOKENIZER_JSON[0]) as { post_processor: { single: unknown[] } };
    tj.post_processor.single = [{ Sequence: { id: 'A', type_id: deep } }];
    assert.throws(
      () => createTokenizer({ tokenizerJson: tj }),
      (e: unknown) => e instanceof TokenizerError && e.hint !== '',
    );
  }
});

test('regression found by this fuzzing: a vocabulary id of 2^31 is refused at once instead of hanging', () => {
  const vocab = VOCAB_TXT.split('\n').filter((l) => l !== '');
  const tokenizerJson = {
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      vocab: { ...Object.fromEntries(vocab.map((t, i) => [t, i])), '[unused674]': 2 ** 31 },
    },
    normalizer: { type: 'BertNormalizer' },
    pre_tokenizer: { type: 'BertPreTokenizer' },
  };
  const t0 = performance.now();
  assert.throws(
    () => createTokenizer({ tokenizerJson }),
    (e: unknown) => e instanceof TokenizerError && /far beyond/.test(e.message),
  );
  assert.ok(performance.now() - t0 < 1000);
});

test('regression found by this fuzzing: negative ids (vocabulary, added tokens, template) are refused', () => {
  if (TOKENIZER_JSON.length === 0) return;
  const tj = structuredClone(TOKENIZER_JSON[0]) as {
    post_processor: { special_tokens: Record<string, { ids: number[] }> };
  };
  const first = Object.keys(tj.post_processor.special_tokens)[0]!;
  tj.post_processor.special_tokens[first]!.ids = [-(2 ** 31)];
  assert.throws(
    () => createTokenizer({ tokenizerJson: tj }),
    (e: unknown) => e instanceof TokenizerError && /is negative/.test(e.message),
  );
});
