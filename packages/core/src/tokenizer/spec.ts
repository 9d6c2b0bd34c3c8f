/** What a tokenizer is built from, once tokenizer.json or vocab.txt + tokenizer_config.json have been read. */
import { isObject } from '../util/is-object.ts';
import { TokenizerError, show } from '../errors.ts';
import type { AddedToken } from './added-tokens.ts';
import type { NormalizerOptions } from './normalizer.ts';
import type { Template } from './post-processor.ts';

export interface TokenizerSpec {
  /** WordPiece vocabulary (token → id). */
  readonly vocab: Map<string, number>;
  readonly unkToken: string;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  readonly normalizer: NormalizerOptions;
  readonly added: readonly AddedToken[];
  readonly template: Template;
  /** Slow-tokenizer `never_split` (vocab.txt path only): whitespace-separated words kept whole. */
  readonly neverSplit: ReadonlySet<string>;
  readonly clsToken: string;
  readonly sepToken: string;
  readonly padToken: string;
  readonly maskToken: string | undefined;
  /** tokenizer_config.json model_max_length when it is a real limit (not HF's 1e30 "unset" sentinel). */
  readonly configMaxLength: number | undefined;
  /** Where it came from, for messages. */
  readonly source: 'tokenizer.json' | 'vocab.txt';
}

export type Json = Record<string, unknown>;

export { isObject };

/** A special token given as a string or as a serialized AddedToken object ({"content": …, "lstrip": …}). */
export function tokenContent(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isObject(v) && typeof v.content === 'string') return v.content;
  return undefined;
}

export function boolField(o: Json, key: string, dflt: boolean, where: string): boolean {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw new TokenizerError(`${where}: "${key}" must be true or false, got ${show(v)}`);
  return v;
}

/** HF writes int(1e30) (and sometimes 1e20) when a tokenizer has no length limit: treat such values as absent. */
export function realMaxLength(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v < 1e12 ? v : undefined;
}

/** Added-token flags from a tokenizer.json added_tokens entry or a tokenizer_config added_tokens_decoder value. */
export function parseAddedToken(id: number, o: Json, where: string): AddedToken {
  if (typeof o.content !== 'string') throw new TokenizerError(`${where}: added token ${id} has no "content" string`);
  const special = boolField(o, 'special', false, where);
  return {
    id,
    content: o.content,
    singleWord: boolField(o, 'single_word', false, where),
    lstrip: boolField(o, 'lstrip', false, where),
    rstrip: boolField(o, 'rstrip', false, where),
    normalized: boolField(o, 'normalized', !special, where),
    special,
  };
}
