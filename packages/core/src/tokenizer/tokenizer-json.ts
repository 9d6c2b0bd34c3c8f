/**
 * Builds a TokenizerSpec from a parsed tokenizer.json (HuggingFace `tokenizers` format): WordPiece model,
 * BertNormalizer (or none), BertPreTokenizer, TemplateProcessing / BertProcessing (or none), added_tokens.
 * Anything else is rejected: ids from a pipeline we do not implement would be silently wrong.
 */
import { TokenizerError, show } from '../errors.ts';
import type { AddedToken } from './added-tokens.ts';
import type { NormalizerOptions } from './normalizer.ts';
import { bertTemplate, type Template, type TemplatePiece } from './post-processor.ts';
import {
  type Json,
  type TokenizerSpec,
  boolField,
  isObject,
  parseAddedToken,
  realMaxLength,
  tokenContent,
} from './spec.ts';

const W = 'tokenizer.json';
const HINT = 'browser-bert supports BERT WordPiece tokenizers only (BertNormalizer, BertPreTokenizer, WordPiece)';

function typeOf(o: unknown): string {
  return isObject(o) && typeof o.type === 'string' ? o.type : show(o);
}

function parseNormalizer(n: unknown): NormalizerOptions {
  if (n === null || n === undefined)
    return { cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false };
  if (!isObject(n) || n.type !== 'BertNormalizer')
    throw new TokenizerError(`${W}: normalizer type ${typeOf(n)} is not supported`, HINT);
  const sa = n.strip_accents;
  if (sa !== undefined && sa !== null && typeof sa !== 'boolean')
    throw new TokenizerError(`${W}: normalizer.strip_accents must be true, false or null`);
  return {
    cleanText: boolField(n, 'clean_text', true, W),
    handleChineseChars: boolField(n, 'handle_chinese_chars', true, W),
    stripAccents: typeof sa === 'boolean' ? sa : null,
    lowercase: boolField(n, 'lowercase', true, W),
  };
}

/**
 * transformers' BertTokenizerFast.__init__ rebuilds the BertNormalizer when tokenizer_config.json disagrees with
 * tokenizer.json on do_lower_case / strip_accents / tokenize_chinese_chars (absent keys take its defaults: true,
 * null, true). We do the same when a tokenizer_config.json is given and names a BERT tokenizer class (or none).
 */
function bertFastOverride(n: NormalizerOptions, raw: unknown, config: unknown): NormalizerOptions {
  if (!isObject(config) || !isObject(raw) || raw.type !== 'BertNormalizer') return n;
  const cls = config.tokenizer_class;
  if (cls !== undefined && cls !== 'BertTokenizer' && cls !== 'BertTokenizerFast') return n;
  const sa = config.strip_accents;
  return {
    ...n,
    lowercase: boolField(config, 'do_lower_case', true, 'tokenizer_config.json'),
    stripAccents: typeof sa === 'boolean' ? sa : null,
    handleChineseChars: boolField(config, 'tokenize_chinese_chars', true, 'tokenizer_config.json'),
  };
}

function specialIds(specials: Json, name: string): number[] {
  const s = specials[name];
  if (!isObject(s) || !Array.isArray(s.ids) || !s.ids.every((x) => Number.isInteger(x)))
    throw new TokenizerError(`${W}: post_processor special token "${name}" has no ids`);
  return s.ids as number[];
}

/** A template piece's type_id: absent → 0, else a small non-negative integer. */
function typeId(v: unknown, which: string): number {
  if (v === undefined || v === null) return 0;
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 255)
    throw new TokenizerError(`${W}: post_processor.${which} has type_id ${show(v)}, not a small integer`, HINT);
  return v as number;
}

function parseTemplate(p: unknown): { template: Template; cls?: string; sep?: string } {
  if (p === null || p === undefined)
    return {
      template: {
        single: [{ kind: 'sequence', seq: 'A', typeId: 0 }],
        pair: [
          { kind: 'sequence', seq: 'A', typeId: 0 },
          { kind: 'sequence', seq: 'B', typeId: 1 },
        ],
      },
    };
  if (!isObject(p)) throw new TokenizerError(`${W}: post_processor must be an object`);
  if (p.type === 'BertProcessing') {
    const pair = (v: unknown, k: string): [string, number] => {
      if (!Array.isArray(v) || typeof v[0] !== 'string' || !Number.isInteger(v[1]))
        throw new TokenizerError(`${W}: post_processor.${k} must be ["token", id]`);
      return [v[0], v[1] as number];
    };
    const [cls, clsId] = pair(p.cls, 'cls');
    const [sep, sepId] = pair(p.sep, 'sep');
    return {
      cls,
      sep,
      template: bertTemplate(clsId, sepId),
    };
  }
  if (p.type !== 'TemplateProcessing')
    throw new TokenizerError(`${W}: post_processor type ${typeOf(p)} is not supported`, HINT);
  const specials = isObject(p.special_tokens) ? p.special_tokens : {};
  const names: string[] = [];
  const pieces = (list: unknown, which: string): TemplatePiece[] => {
    if (!Array.isArray(list)) throw new TokenizerError(`${W}: post_processor.${which} must be a list`);
    return list.map((item): TemplatePiece => {
      if (isObject(item) && isObject(item.SpecialToken) && typeof item.SpecialToken.id === 'string') {
        const name = item.SpecialToken.id;
        names.push(name);
        return { kind: 'special', ids: specialIds(specials, name), typeId: typeId(item.SpecialToken.type_id, which) };
      }
      if (isObject(item) && isObject(item.Sequence) && (item.Sequence.id === 'A' || item.Sequence.id === 'B'))
        return { kind: 'sequence', seq: item.Sequence.id, typeId: typeId(item.Sequence.type_id, which) };
      throw new TokenizerError(`${W}: unexpected post_processor.${which} item ${show(item)}`);
    });
  };
  const single = pieces(p.single, 'single');
  const singleNames = [...names];
  const pair = pieces(p.pair, 'pair');
  return {
    template: { single, pair },
    cls: single[0]?.kind === 'special' ? singleNames[0] : undefined,
    sep: single[single.length - 1]?.kind === 'special' ? singleNames[singleNames.length - 1] : undefined,
  };
}

export function specFromTokenizerJson(json: unknown, config: unknown, specialMap: unknown): TokenizerSpec {
  if (!isObject(json)) throw new TokenizerError(`${W} must be a JSON object`);
  const model = json.model;
  if (
    !isObject(model) ||
    (model.type !== undefined && model.type !== 'WordPiece') ||
    'merges' in model ||
    !isObject(model.vocab)
  )
    throw new TokenizerError(`${W}: model type ${typeOf(model)} is not supported`, HINT);
  const pre = json.pre_tokenizer;
  if (!isObject(pre) || pre.type !== 'BertPreTokenizer')
    throw new TokenizerError(`${W}: pre_tokenizer type ${typeOf(pre)} is not supported`, HINT);

  const vocab = new Map<string, number>();
  for (const [tok, id] of Object.entries(model.vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0)
      throw new TokenizerError(`${W}: vocab id of "${tok}" is not an integer`);
    vocab.set(tok, id as number);
  }
  const unkToken = typeof model.unk_token === 'string' ? model.unk_token : '[UNK]';
  if (!vocab.has(unkToken)) throw new TokenizerError(`${W}: unk_token "${unkToken}" is not in the vocabulary`);
  const prefix = typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : '##';
  const maxChars = model.max_input_chars_per_word ?? 100;
  if (!Number.isInteger(maxChars)) throw new TokenizerError(`${W}: model.max_input_chars_per_word must be an integer`);

  const added: AddedToken[] = [];
  if (json.added_tokens !== undefined && json.added_tokens !== null) {
    if (!Array.isArray(json.added_tokens)) throw new TokenizerError(`${W}: added_tokens must be a list`);
    for (const t of json.added_tokens) {
      if (!isObject(t) || !Number.isInteger(t.id)) throw new TokenizerError(`${W}: added token without an integer id`);
      added.push(parseAddedToken(t.id as number, t, W));
    }
  }
  const { template, cls, sep } = parseTemplate(json.post_processor);
  const cfg = isObject(config) ? config : {};
  const map = isObject(specialMap) ? specialMap : {};
  const padding = isObject(json.padding) ? json.padding : {};
  const has = (t: string | undefined): t is string =>
    t !== undefined && (vocab.has(t) || added.some((a) => a.content === t));
  const pick = (key: string, fallback: string | undefined): string | undefined => {
    const t = tokenContent(cfg[key]) ?? tokenContent(map[key]) ?? fallback;
    return has(t) ? t : undefined;
  };
  const clsToken = pick('cls_token', cls ?? '[CLS]');
  const sepToken = pick('sep_token', sep ?? '[SEP]');
  const padToken = pick('pad_token', typeof padding.pad_token === 'string' ? padding.pad_token : '[PAD]');
  if (!clsToken || !sepToken || !padToken)
    throw new TokenizerError(`${W}: cannot find the [CLS], [SEP] and [PAD] tokens in the vocabulary`, HINT);

  return {
    vocab,
    unkToken,
    continuingSubwordPrefix: prefix,
    maxInputCharsPerWord: maxChars as number,
    normalizer: bertFastOverride(parseNormalizer(json.normalizer), json.normalizer, config),
    added,
    template,
    neverSplit: new Set(),
    clsToken,
    sepToken,
    padToken,
    maskToken: pick('mask_token', '[MASK]'),
    configMaxLength: realMaxLength(cfg.model_max_length),
    source: 'tokenizer.json',
  };
}
