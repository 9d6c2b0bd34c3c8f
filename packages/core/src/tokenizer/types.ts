/** Output of the tokenizer for one text (or text pair): unpadded, plain typed arrays. */
export interface Encoding {
  /** Token ids including [CLS] … [SEP] (… [SEP] for pairs). */
  readonly inputIds: Int32Array;
  /** 0 for the first segment, 1 for the second (pairs). Same length as inputIds. */
  readonly tokenTypeIds: Int32Array;
}

export interface EncodeOptions {
  /** Total length including special tokens; default: the tokenizer's maxLength (128 unless configured). */
  maxLength?: number;
  /** Add [CLS]/[SEP]. Default true. */
  addSpecialTokens?: boolean;
}

export interface SpecialTokenIds {
  readonly cls: number;
  readonly sep: number;
  readonly pad: number;
  readonly unk: number;
  readonly mask: number | undefined;
}

/** The settings that determine the ids a tokenizer produces (also the feature-cache key and saved in bundles). */
export interface TokenizerSettings {
  readonly doLowerCase: boolean;
  /** null = follow doLowerCase, as HF does. */
  readonly stripAccents: boolean | null;
  readonly tokenizeChineseChars: boolean;
  readonly cleanText: boolean;
  readonly maxInputCharsPerWord: number;
  readonly continuingSubwordPrefix: string;
  readonly unkToken: string;
  readonly clsToken: string;
  readonly sepToken: string;
  readonly padToken: string;
  readonly maskToken: string | undefined;
  /** Default truncation length (≤ modelMaxLength). */
  readonly maxLength: number;
  /** The model's own limit (config max_position_embeddings / tokenizer model_max_length). */
  readonly modelMaxLength: number;
}

export interface Tokenizer {
  readonly settings: TokenizerSettings;
  readonly vocabSize: number;
  readonly specialIds: SpecialTokenIds;
  /** WordPiece tokens (strings), no special tokens added, no truncation. */
  tokenize(text: string): string[];
  encode(text: string, pair?: string, options?: EncodeOptions): Encoding;
  /** encode() for each text; the arrays of one batch may be views into one shared ArrayBuffer (slice to transfer). */
  encodeBatch(texts: readonly string[], options?: EncodeOptions): Encoding[];
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /** Stable short hash of vocab + settings, for cache keys. */
  readonly fingerprint: string;
}

/** The raw files a tokenizer can be built from (already read: no I/O in the tokenizer). */
export interface TokenizerFiles {
  /** Parsed tokenizer.json, when the repo has one (preferred). */
  tokenizerJson?: unknown;
  /** vocab.txt contents. */
  vocabTxt?: string;
  /** Parsed tokenizer_config.json. */
  tokenizerConfig?: unknown;
  /** Parsed special_tokens_map.json. */
  specialTokensMap?: unknown;
}
