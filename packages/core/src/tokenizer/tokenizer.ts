/**
 * createTokenizer: a BERT WordPiece tokenizer that gives the ids of HuggingFace's BertTokenizerFast, built from the
 * files of a model repo (already read by hub/: no I/O here). Pipeline per text: added/special tokens matched
 * literally → BertNormalizer → BertPreTokenizer → WordPiece → truncation → [CLS] … [SEP] template.
 */
import { show, TokenizerError } from '../errors.ts';
import { AddedTokenMatcher, type Piece } from './added-tokens.ts';
import { fnv1a64 } from './fingerprint.ts';
import { type Normalize, createNormalizer } from './normalizer.ts';
import {
  type Template,
  type TemplatePiece,
  applyTemplate,
  longestFirst,
  specialCount,
  templateLength,
} from './post-processor.ts';
import { preTokenize } from './pre-tokenizer.ts';
import type { TokenizerSpec } from './spec.ts';
import { specFromTokenizerJson } from './tokenizer-json.ts';
import type {
  EncodeOptions,
  Encoding,
  SpecialTokenIds,
  Tokenizer,
  TokenizerFiles,
  TokenizerSettings,
} from './types.ts';
import { specFromVocabTxt } from './vocab-txt.ts';
import { WordPiece } from './wordpiece.ts';

export interface CreateTokenizerOptions {
  /** Default truncation length including special tokens (default 128, clamped to the model's limit). */
  maxLength?: number;
  /** The model's own limit, usually config.json max_position_embeddings. */
  modelMaxLength?: number;
}

export const DEFAULT_MAX_LENGTH = 128;
/** modelMaxLength when neither the config nor tokenizer_config.json gives a limit. */
export const NO_MODEL_LIMIT = Number.MAX_SAFE_INTEGER;

function checkLength(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new TokenizerError(`${name} must be a positive integer, got ${show(v)}`, `e.g. ${name} 128`);
  return v;
}

export function createTokenizer(files: TokenizerFiles, options: CreateTokenizerOptions = {}): Tokenizer {
  let spec: TokenizerSpec;
  if (files.tokenizerJson !== undefined && files.tokenizerJson !== null)
    spec = specFromTokenizerJson(files.tokenizerJson, files.tokenizerConfig, files.specialTokensMap);
  else if (typeof files.vocabTxt === 'string')
    spec = specFromVocabTxt(files.vocabTxt, files.tokenizerConfig, files.specialTokensMap);
  else
    throw new TokenizerError(
      'No tokenizer files: need tokenizer.json, or vocab.txt (+ tokenizer_config.json)',
      'point to a BERT model folder or hub repo that contains tokenizer.json or vocab.txt',
    );
  return new BertWordPieceTokenizer(spec, options);
}

/**
 * Token ids are (nearly) dense: a vocabulary of N tokens whose ids run up to 2^31 would make every per-id table and
 * loop 2^31 long (a hang, found by fuzzing). Ids up to the number of tokens + 1,024 are accepted.
 */
function checkIdRange(spec: TokenizerSpec): void {
  const count = spec.vocab.size + spec.added.length;
  let max = -1;
  let min = 0;
  const see = (id: number) => {
    if (id > max) max = id;
    if (id < min) min = id;
  };
  for (const id of spec.vocab.values()) see(id);
  for (const a of spec.added) see(a.id);
  for (const p of [...spec.template.single, ...spec.template.pair]) if (p.kind === 'special') p.ids.forEach(see);
  if (min < 0)
    throw new TokenizerError(
      `${spec.source}: token id ${min} is negative`,
      'the tokenizer file is damaged; use the one saved with the model',
    );
  if (max >= count + 1024)
    throw new TokenizerError(
      `${spec.source}: token id ${max} is far beyond the ${count} tokens of the vocabulary`,
      'the tokenizer file is damaged; use the one saved with the model',
    );
}

class BertWordPieceTokenizer implements Tokenizer {
  readonly settings: TokenizerSettings;
  readonly vocabSize: number;
  readonly specialIds: SpecialTokenIds;
  private readonly vocab: ReadonlyMap<string, number>;
  /** Added tokens by content: they win over the vocabulary's entry of the same text, as in tokenizers. */
  private readonly addedIds = new Map<string, number>();
  private readonly added: TokenizerSpec['added'];
  /** id → token, built on first use (idToToken, tokenize, the fingerprint): classifying never needs it. */
  private reverse: (string | undefined)[] | undefined;
  private fingerprintValue: string | undefined;
  private readonly normalize: Normalize;
  private readonly cleanOnly: Normalize;
  private readonly rawAdded: AddedTokenMatcher;
  private readonly normalizedAdded: AddedTokenMatcher;
  private readonly wordPiece: WordPiece;
  private readonly template: Template;
  private readonly neverSplit: ReadonlySet<string>;
  private readonly unkId: number;

  constructor(spec: TokenizerSpec, options: CreateTokenizerOptions) {
    checkIdRange(spec);
    this.vocab = spec.vocab;
    this.added = spec.added;
    let maxId = -1;
    for (const id of spec.vocab.values()) if (id > maxId) maxId = id;
    for (const a of spec.added) {
      this.addedIds.set(a.content, a.id);
      if (a.id > maxId) maxId = a.id;
    }
    this.vocabSize = maxId + 1;
    this.unkId = spec.vocab.get(spec.unkToken)!;

    const known = [options.modelMaxLength, spec.configMaxLength].filter((x): x is number => x !== undefined);
    for (const k of known) checkLength(k, 'modelMaxLength');
    const modelMaxLength = known.length > 0 ? Math.min(...known) : NO_MODEL_LIMIT;
    const maxLength = Math.min(checkLength(options.maxLength ?? DEFAULT_MAX_LENGTH, 'maxLength'), modelMaxLength);

    this.normalize = createNormalizer(spec.normalizer);
    this.cleanOnly = createNormalizer({ ...spec.normalizer, lowercase: false, stripAccents: false });
    this.rawAdded = new AddedTokenMatcher(
      spec.added.filter((a) => !a.normalized).map((token) => ({ token, pattern: token.content })),
    );
    this.normalizedAdded = new AddedTokenMatcher(
      spec.added.filter((a) => a.normalized).map((token) => ({ token, pattern: this.normalize(token.content) })),
    );
    this.wordPiece = new WordPiece({
      vocab: spec.vocab,
      unkId: this.unkId,
      continuingSubwordPrefix: spec.continuingSubwordPrefix,
      maxInputCharsPerWord: spec.maxInputCharsPerWord,
    });
    this.template = spec.template;
    this.neverSplit = spec.neverSplit;

    this.settings = {
      doLowerCase: spec.normalizer.lowercase,
      stripAccents: spec.normalizer.stripAccents,
      tokenizeChineseChars: spec.normalizer.handleChineseChars,
      cleanText: spec.normalizer.cleanText,
      maxInputCharsPerWord: spec.maxInputCharsPerWord,
      continuingSubwordPrefix: spec.continuingSubwordPrefix,
      unkToken: spec.unkToken,
      clsToken: spec.clsToken,
      sepToken: spec.sepToken,
      padToken: spec.padToken,
      maskToken: spec.maskToken,
      maxLength,
      modelMaxLength,
    };
    this.specialIds = {
      cls: this.toId(spec.clsToken)!,
      sep: this.toId(spec.sepToken)!,
      pad: this.toId(spec.padToken)!,
      unk: this.unkId,
      mask: spec.maskToken === undefined ? undefined : this.toId(spec.maskToken),
    };
  }

  /** A hash of everything that decides the ids; computed on first read (it took ~12 ms of a cold page's start). */
  get fingerprint(): string {
    this.fingerprintValue ??= fnv1a64(
      JSON.stringify({
        v: 1,
        settings: this.settings,
        added: [...this.added]
          .sort((a, b) => a.id - b.id)
          .map((a) => [a.id, a.content, a.singleWord, a.lstrip, a.rstrip, a.normalized, a.special]),
        template: this.template,
        neverSplit: [...this.neverSplit].sort(),
      }) +
        '\n' +
        this.toToken.map((t) => t ?? '\u0000').join('\n'),
    );
    return this.fingerprintValue;
  }

  private get toToken(): (string | undefined)[] {
    if (this.reverse === undefined) {
      const r: (string | undefined)[] = new Array<string | undefined>(this.vocabSize);
      for (const [tok, id] of this.vocab) r[id] = tok;
      for (const a of this.added) r[a.id] = a.content; // every added token, in order (one text may have two ids)
      this.reverse = r;
    }
    return this.reverse;
  }

  private toId(token: string): number | undefined {
    return this.addedIds.get(token) ?? this.vocab.get(token);
  }

  tokenToId(token: string): number | undefined {
    return this.toId(token);
  }

  idToToken(id: number): string | undefined {
    return this.toToken[id];
  }

  tokenize(text: string): string[] {
    return this.encodeText(text, Infinity).map((id) => this.toToken[id] ?? this.settings.unkToken);
  }

  encode(text: string, pair?: string, options: EncodeOptions = {}): Encoding {
    const p = this.prepare(text, pair, options);
    return applyTemplate(p.pieces, p.a, p.b, p.addSpecial);
  }

  /**
   * Like encode() for each text. The arrays of one batch are views into one ArrayBuffer (one allocation per batch
   * instead of two per text); slice() an encoding's arrays before transferring them to another thread.
   */
  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): Encoding[] {
    if (!Array.isArray(texts)) throw new TokenizerError('encodeBatch expects an array of strings');
    const prepared = texts.map((t) => this.prepare(t, undefined, options));
    const lengths = prepared.map((p) => templateLength(p.pieces, p.a, p.b, p.addSpecial));
    const total = lengths.reduce((x, y) => x + y, 0);
    const buffer = new Int32Array(2 * total);
    let offset = 0;
    return prepared.map((p, i) => {
      const n = lengths[i]!;
      const into: Encoding = {
        inputIds: buffer.subarray(offset, offset + n),
        tokenTypeIds: buffer.subarray(total + offset, total + offset + n),
      };
      offset += n;
      return applyTemplate(p.pieces, p.a, p.b, p.addSpecial, into);
    });
  }

  /** Token ids of the text (and pair), truncated so that the template fits in maxLength. */
  private prepare(
    text: string,
    pair: string | undefined,
    options: EncodeOptions,
  ): { pieces: readonly TemplatePiece[]; a: number[]; b: number[] | undefined; addSpecial: boolean } {
    const max = Math.min(
      checkLength(options.maxLength ?? this.settings.maxLength, 'maxLength'),
      this.settings.modelMaxLength,
    );
    const addSpecial = options.addSpecialTokens ?? true;
    const pieces = pair === undefined ? this.template.single : this.template.pair;
    const added = addSpecial ? specialCount(pieces) : 0;
    if (max < added)
      throw new TokenizerError(
        `maxLength ${max} leaves no room for the ${added} special tokens`,
        `use a maxLength of at least ${added + 1}`,
      );
    const budget = max - added;
    if (pair === undefined) {
      const a = this.encodeText(text, budget);
      if (a.length > budget) a.length = budget;
      return { pieces, a, b: undefined, addSpecial };
    }
    const a = this.encodeText(text, Infinity);
    const b = this.encodeText(pair, Infinity);
    const [n1, n2] = longestFirst(a.length, b.length, budget);
    a.length = Math.min(a.length, n1);
    b.length = Math.min(b.length, n2);
    return { pieces, a, b, addSpecial };
  }

  /** Ids of one text without special tokens; stops early once `limit` ids exist (the rest would be cut anyway). */
  private encodeText(text: string, limit: number): number[] {
    if (typeof text !== 'string')
      throw new TokenizerError(`Expected a text string, got ${text === null ? 'null' : typeof text}`);
    const ids: number[] = [];
    const pieces: Piece[] = [];
    this.rawAdded.split(text, pieces);
    for (const piece of pieces) {
      if (ids.length >= limit) break;
      if (typeof piece === 'number') ids.push(piece);
      else if (this.neverSplit.size > 0) this.encodeNeverSplit(piece, ids, limit);
      else this.encodeNormalizedPiece(this.normalize(piece), ids, limit);
    }
    return ids;
  }

  // Output and limit of the word callback: set per piece, so that no closure is created per text (hot path).
  private out: number[] = [];
  private limit = Infinity;
  private readonly onWord = (s: string, start: number, end: number): boolean => {
    this.wordPiece.encodeWord(s, start, end, this.out);
    return this.out.length >= this.limit;
  };

  private encodeNormalizedPiece(normalized: string, ids: number[], limit: number): void {
    this.out = ids;
    this.limit = limit;
    const onWord = this.onWord;
    if (this.normalizedAdded.empty) {
      preTokenize(normalized, onWord);
      return;
    }
    const sub: Piece[] = [];
    this.normalizedAdded.split(normalized, sub);
    for (const p of sub) {
      if (ids.length >= limit) return;
      if (typeof p === 'number') ids.push(p);
      else preTokenize(p, onWord);
    }
  }

  /** Slow BertTokenizer's never_split: a whitespace-separated word listed there is one token, not lower-cased. */
  private encodeNeverSplit(piece: string, ids: number[], limit: number): void {
    for (const word of this.cleanOnly(piece).split(' ')) {
      if (ids.length >= limit) return;
      if (word === '') continue;
      if (this.neverSplit.has(word)) ids.push(this.toId(word) ?? this.unkId);
      else this.encodeNormalizedPiece(this.normalize(word), ids, limit);
    }
  }
}
