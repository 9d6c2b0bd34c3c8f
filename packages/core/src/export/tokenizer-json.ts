/**
 * The classifier's tokenizer as HF files: `tokenizer.json` in the layout `BertTokenizerFast.save_pretrained` writes
 * (BertNormalizer, BertPreTokenizer, WordPiece, TemplateProcessing [CLS] A [SEP] / [CLS] A [SEP] B [SEP], the
 * special tokens as added tokens; checked against real files in shared/data/format-fixtures/hf), plus
 * `tokenizer_config.json` and `special_tokens_map.json`. model_max_length is the classifier's truncation length.
 */
import type { Tokenizer } from '../tokenizer/types.ts';

function addedToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

function specialTokens(t: Tokenizer): { key: string; content: string; id: number }[] {
  const s = t.settings;
  const ids = t.specialIds;
  const out = [
    { key: 'pad_token', content: s.padToken, id: ids.pad },
    { key: 'unk_token', content: s.unkToken, id: ids.unk },
    { key: 'cls_token', content: s.clsToken, id: ids.cls },
    { key: 'sep_token', content: s.sepToken, id: ids.sep },
  ];
  if (s.maskToken !== undefined && ids.mask !== undefined)
    out.push({ key: 'mask_token', content: s.maskToken, id: ids.mask });
  return out.sort((a, b) => a.id - b.id);
}

export function tokenizerJson(t: Tokenizer): Record<string, unknown> {
  const s = t.settings;
  const vocab: Record<string, number> = {};
  for (let id = 0; id < t.vocabSize; id++) {
    const token = t.idToToken(id);
    if (token !== undefined && !(token in vocab)) vocab[token] = id;
  }
  const special = (token: string, type_id: number) => ({ SpecialToken: { id: token, type_id } });
  const sequence = (id: 'A' | 'B', type_id: number) => ({ Sequence: { id, type_id } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialTokens(t).map((x) => addedToken(x.id, x.content)),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: s.cleanText,
      handle_chinese_chars: s.tokenizeChineseChars,
      strip_accents: s.stripAccents,
      lowercase: s.doLowerCase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special(s.clsToken, 0), sequence('A', 0), special(s.sepToken, 0)],
      pair: [
        special(s.clsToken, 0),
        sequence('A', 0),
        special(s.sepToken, 0),
        sequence('B', 1),
        special(s.sepToken, 1),
      ],
      special_tokens: {
        [s.clsToken]: { id: s.clsToken, ids: [t.specialIds.cls], tokens: [s.clsToken] },
        [s.sepToken]: { id: s.sepToken, ids: [t.specialIds.sep], tokens: [s.sepToken] },
      },
    },
    decoder: { type: 'WordPiece', prefix: s.continuingSubwordPrefix, cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: s.unkToken,
      continuing_subword_prefix: s.continuingSubwordPrefix,
      max_input_chars_per_word: s.maxInputCharsPerWord,
      vocab,
    },
  };
}

/** tokenizer_config.json as transformers writes it for BertTokenizer(Fast); `maxLength` = truncation length. */
export function tokenizerConfigJson(t: Tokenizer, maxLength: number): Record<string, unknown> {
  const s = t.settings;
  const decoder: Record<string, unknown> = {};
  for (const x of specialTokens(t)) {
    const { id: _id, ...flags } = addedToken(x.id, x.content);
    decoder[String(x.id)] = flags;
  }
  const tokens: Record<string, string> = {};
  for (const x of specialTokens(t)) tokens[x.key] = x.content;
  return {
    added_tokens_decoder: decoder,
    clean_up_tokenization_spaces: true,
    ...tokens,
    do_basic_tokenize: true,
    do_lower_case: s.doLowerCase,
    model_max_length: maxLength,
    never_split: null,
    strip_accents: s.stripAccents,
    tokenize_chinese_chars: s.tokenizeChineseChars,
    tokenizer_class: 'BertTokenizer',
  };
}

export function specialTokensMapJson(t: Tokenizer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const x of specialTokens(t).sort((a, b) => a.key.localeCompare(b.key))) out[x.key] = x.content;
  return out;
}
