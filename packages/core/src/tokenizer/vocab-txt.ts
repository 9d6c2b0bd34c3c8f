/**
 * Builds a TokenizerSpec from vocab.txt + tokenizer_config.json + special_tokens_map.json, the way transformers
 * builds BertTokenizerFast from a repo without tokenizer.json (convert_slow_tokenizer's BertConverter): BertNormalizer
 * with clean_text, the config's do_lower_case / strip_accents / tokenize_chinese_chars, WordPiece with
 * max_input_chars_per_word 100, `[CLS] $A [SEP]` / `[CLS] $A [SEP] $B:1 [SEP]:1`, special tokens unnormalized.
 */
import { TokenizerError } from '../errors.ts';
import type { AddedToken } from './added-tokens.ts';
import { bertTemplate } from './post-processor.ts';
import {
  type Json,
  type TokenizerSpec,
  boolField,
  isObject,
  parseAddedToken,
  realMaxLength,
  tokenContent,
} from './spec.ts';

/** vocab.txt: one token per line, id = line index (Python's universal newlines: \n, \r\n and \r all end a line). */
export function parseVocabTxt(text: string): Map<string, number> {
  // (a plain '\n' split is several times faster than the regular expression, and most files have no '\r')
  const lines = text.includes('\r') ? text.split(/\r\n|\r|\n/) : text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const vocab = new Map<string, number>();
  for (let id = 0; id < lines.length; id++) vocab.set(lines[id]!, id); // a duplicate keeps its last id, as in Python
  return vocab;
}

const SPECIAL_KEYS = ['unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'] as const;
const DEFAULTS: Record<(typeof SPECIAL_KEYS)[number], string> = {
  unk_token: '[UNK]',
  sep_token: '[SEP]',
  pad_token: '[PAD]',
  cls_token: '[CLS]',
  mask_token: '[MASK]',
};

export function specFromVocabTxt(vocabTxt: string, config: unknown, specialMap: unknown): TokenizerSpec {
  const where = 'tokenizer_config.json';
  if (config !== undefined && !isObject(config)) throw new TokenizerError(`${where} must be a JSON object`);
  if (specialMap !== undefined && !isObject(specialMap))
    throw new TokenizerError('special_tokens_map.json must be a JSON object');
  const cfg: Json = config ?? {};
  const map: Json = specialMap ?? {};
  const vocab = parseVocabTxt(vocabTxt);
  if (vocab.size === 0) throw new TokenizerError('vocab.txt is empty', 'use the vocab.txt saved with the model');

  const lowercase = boolField(cfg, 'do_lower_case', true, where);
  const sa = cfg.strip_accents;
  if (sa !== undefined && sa !== null && typeof sa !== 'boolean')
    throw new TokenizerError(`${where}: "strip_accents" must be true, false or null`);

  const special = (key: (typeof SPECIAL_KEYS)[number]): string =>
    tokenContent(cfg[key]) ?? tokenContent(map[key]) ?? DEFAULTS[key];

  // added_tokens_decoder (transformers ≥ 4.34) gives ids and flags for special and added tokens.
  const added = new Map<string, AddedToken>();
  const decoder = cfg.added_tokens_decoder;
  if (isObject(decoder)) {
    for (const [key, value] of Object.entries(decoder)) {
      const id = Number(key);
      if (!Number.isInteger(id) || id < 0 || !isObject(value))
        throw new TokenizerError(`${where}: added_tokens_decoder entry "${key}" is not {id: {content, …}}`);
      const tok = parseAddedToken(id, value, where);
      added.set(tok.content, tok);
    }
  }
  let nextId = 0;
  for (const id of vocab.values()) nextId = Math.max(nextId, id + 1);
  for (const t of added.values()) nextId = Math.max(nextId, t.id + 1);
  const addSpecial = (content: string): void => {
    if (content === '' || added.has(content)) return;
    const id = vocab.get(content) ?? nextId++;
    added.set(content, {
      id,
      content,
      singleWord: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    });
  };
  const tokens = Object.fromEntries(SPECIAL_KEYS.map((k) => [k, special(k)])) as Record<
    (typeof SPECIAL_KEYS)[number],
    string
  >;
  for (const k of SPECIAL_KEYS) addSpecial(tokens[k]);
  const extra = cfg.additional_special_tokens ?? map.additional_special_tokens;
  if (Array.isArray(extra)) for (const t of extra) addSpecial(tokenContent(t) ?? '');

  for (const k of ['unk_token', 'cls_token', 'sep_token'] as const) {
    if (!vocab.has(tokens[k]) && !added.has(tokens[k]))
      throw new TokenizerError(
        `${k} "${tokens[k]}" is not in vocab.txt`,
        'check that vocab.txt and tokenizer_config.json belong to the same model',
      );
  }
  if (!vocab.has(tokens.unk_token))
    throw new TokenizerError(
      `unk_token "${tokens.unk_token}" is not in vocab.txt`,
      'WordPiece needs [UNK] in its vocabulary',
    );
  const idOf = (t: string): number => added.get(t)?.id ?? vocab.get(t)!;

  const neverSplit = new Set<string>();
  if (Array.isArray(cfg.never_split)) for (const t of cfg.never_split) if (typeof t === 'string') neverSplit.add(t);

  const cls = idOf(tokens.cls_token);
  const sep = idOf(tokens.sep_token);
  return {
    vocab,
    unkToken: tokens.unk_token,
    continuingSubwordPrefix: '##',
    maxInputCharsPerWord: 100,
    normalizer: {
      cleanText: true,
      handleChineseChars: boolField(cfg, 'tokenize_chinese_chars', true, where),
      stripAccents: typeof sa === 'boolean' ? sa : null,
      lowercase,
    },
    added: [...added.values()],
    template: bertTemplate(cls, sep),
    neverSplit,
    clsToken: tokens.cls_token,
    sepToken: tokens.sep_token,
    padToken: tokens.pad_token,
    maskToken: vocab.has(tokens.mask_token) || added.has(tokens.mask_token) ? tokens.mask_token : undefined,
    configMaxLength: realMaxLength(cfg.model_max_length),
    source: 'vocab.txt',
  };
}
