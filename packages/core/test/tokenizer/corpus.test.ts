/**
 * Whole-corpus checks on the SMS Spam Collection (5,574 texts):
 *  1. tokenizer.json and vocab.txt + tokenizer_config.json give identical ids (bert-tiny-finetuned, all-MiniLM-L6-v2);
 *  2. agreement with an independent implementation, @huggingface/tokenizers (tokenizers.js), on the corpus and on a
 *     deterministic "mutated" corpus (tricky characters inserted). Its two known deviations from the Rust
 *     tokenizers are diagnosed and excluded explicitly: CJK above U+FFFF is not split off, and lowercasing uses
 *     String#toLowerCase on the whole string (final sigma ς). Anything else that differs fails the test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Tokenizer as Reference } from '@huggingface/tokenizers';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { createTokenizer } from '../../src/tokenizer/tokenizer';
import type { Tokenizer } from '../../src/tokenizer/types';

const SMS = 'data/sms-spam/SMSSpamCollection.tsv';
const HF = 'data/format-fixtures/hf';
const skip = skipUnlessShared(SMS) || skipUnlessShared(HF);

function smsTexts(): string[] {
  return readFileSync(sharedPath(SMS)!, 'utf8')
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l) => l.slice(l.indexOf('\t') + 1));
}

function files(model: string): Record<string, unknown> {
  const read = (f: string): string => readFileSync(sharedPath(`${HF}/${model}/${f}`)!, 'utf8');
  return {
    tokenizerJson: JSON.parse(read('tokenizer.json')),
    vocabTxt: read('vocab.txt'),
    tokenizerConfig: JSON.parse(read('tokenizer_config.json')),
    specialTokensMap: JSON.parse(read('special_tokens_map.json')),
  };
}

const ids = (t: Tokenizer, text: string): string =>
  Array.from(t.encode(text, undefined, { maxLength: 512 }).inputIds).join(',');

/** Known tokenizers.js deviations from the Rust tokenizers (see file comment). */
function knownReferenceBug(text: string): string | undefined {
  if (/[\u{20000}-\u{2A6DF}\u{2A700}-\u{2CEAF}\u{2F800}-\u{2FA1F}]/u.test(text)) return 'CJK above U+FFFF';
  if (/Σ/.test(text)) return 'final sigma';
  return undefined;
}

// Deterministic tricky-character mutations of corpus texts (mulberry32 PRNG).
const POOL = [
  'é',
  'Ü',
  'ñ',
  'ç',
  'Å',
  'ﬁ',
  'İ',
  'ǅ',
  '中',
  '語',
  '\u3000',
  '\u00a0',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u0000',
  '\t',
  '\n',
  '\u0007',
  '\u00ad',
  '😀',
  '👍🏽',
  '❤️',
  '€',
  '£',
  '—',
  '…',
  '«',
  '»',
  '¿',
  '¡',
  '·',
  '•',
  '°',
  '½',
  '²',
  'ß',
  'Ω',
  'ж',
  'ש',
  'ع',
  'अ',
  'ก',
  '한',
  'あ',
  'ア',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  '[PAD]',
  '[UNK]',
  '[sep]',
  'e\u0301',
  '\u2028',
  '\u0085',
  '\ufffd',
  '#',
  '##',
  '~',
  '^',
  '`',
  '_',
  '|',
  '\\',
  '　',
  '\u0301',
  'ẞ',
  'Ⅻ',
  '①',
  '𝐀',
  '🇫🇷',
  '１２３',
  'ｈｅｌｌｏ',
  '\u0300\u0301',
  'Ǆ',
  'ŉ',
  '𐀀',
  '\u{1F600}\u{1F3FB}',
  // Characters on which the reference is known to differ (diagnosed below):
  '𠀀',
  '𪜀',
  'Σ',
  'ΟΔΟΣ',
];
function mutate(texts: readonly string[], n: number): string[] {
  let s = 0x9e3779b9;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let text = texts[Math.floor(rand() * texts.length)]!;
    const k = 1 + Math.floor(rand() * 6);
    for (let j = 0; j < k; j++) {
      const at = Math.floor(rand() * (text.length + 1));
      text = text.slice(0, at) + POOL[Math.floor(rand() * POOL.length)]! + text.slice(at);
    }
    out.push(text);
  }
  return out;
}

describe('SMS corpus', { skip }, () => {
  const texts = skip ? [] : smsTexts();

  for (const model of ['bert-tiny-finetuned', 'all-MiniLM-L6-v2']) {
    it(`${model}: tokenizer.json and vocab.txt + tokenizer_config.json give identical ids on all texts`, (t) => {
      const f = files(model);
      const fromJson = createTokenizer({ tokenizerJson: f.tokenizerJson, tokenizerConfig: f.tokenizerConfig });
      const fromVocab = createTokenizer({
        vocabTxt: f.vocabTxt as string,
        tokenizerConfig: f.tokenizerConfig,
        specialTokensMap: f.specialTokensMap,
      });
      assert.equal(texts.length, 5574);
      let same = 0;
      for (const text of [...texts, ...mutate(texts, 1000)]) {
        assert.equal(ids(fromJson, text), ids(fromVocab, text), JSON.stringify(text));
        same++;
      }
      assert.equal(fromJson.fingerprint, fromVocab.fingerprint);
      t.diagnostic(`${same} texts identical`);
    });
  }

  it('agrees with @huggingface/tokenizers on every SMS text and on mutated texts outside its known bugs', (t) => {
    const f = files('bert-tiny-finetuned');
    const ref = new Reference(f.tokenizerJson as object, f.tokenizerConfig as object);
    const ours = createTokenizer({ tokenizerJson: f.tokenizerJson, tokenizerConfig: f.tokenizerConfig });
    const refIds = (text: string): string => ref.encode(text).ids.map(Number).join(',');

    let agree = 0;
    for (const text of texts) {
      assert.equal(ids(ours, text), refIds(text), JSON.stringify(text));
      agree++;
    }
    assert.equal(agree, texts.length);
    t.diagnostic(`SMS corpus: ${agree}/${texts.length} identical id sequences`);

    const mutated = mutate(texts, 3000);
    let mAgree = 0;
    const excluded = new Map<string, number>();
    for (const text of mutated) {
      const a = ids(ours, text);
      const b = refIds(text);
      if (a === b) mAgree++;
      else {
        const why = knownReferenceBug(text);
        assert.ok(why, `unexplained difference on ${JSON.stringify(text)}:\n ours ${a}\n ref  ${b}`);
        excluded.set(why, (excluded.get(why) ?? 0) + 1);
      }
    }
    // Texts without the two known-bug character classes all agree (asserted above); most texts are such texts.
    assert.ok(mAgree > 2000, `${mAgree} of 3000 mutated texts agree`);
    t.diagnostic(
      `mutated: ${mAgree}/${mutated.length} identical; known reference bugs: ${JSON.stringify([...excluded])}`,
    );
  });

  it('the reference really has the two bugs we exclude (so the exclusion is not hiding ours)', () => {
    const f = files('bert-tiny-finetuned');
    const ref = new Reference(f.tokenizerJson as object, f.tokenizerConfig as object);
    const ours = createTokenizer({ tokenizerJson: f.tokenizerJson, tokenizerConfig: f.tokenizerConfig });
    // U+20000 between letters: Rust splits it off (a [UNK] b); tokenizers.js keeps one word → one [UNK].
    assert.deepEqual(ours.tokenize('a𠀀b'), ['a', '[UNK]', 'b']);
    assert.deepEqual(ref.tokenize('a𠀀b'), ['[UNK]']);
    // Rust lowercases char by char (Σ → σ); String#toLowerCase applies the final-sigma rule (ς).
    assert.deepEqual(ours.tokenize('ΟΔΟΣ'), ['ο', '##δ', '##ο', '##σ']);
    assert.notDeepEqual(ref.tokenize('ΟΔΟΣ'), ['ο', '##δ', '##ο', '##σ']);
  });
});
