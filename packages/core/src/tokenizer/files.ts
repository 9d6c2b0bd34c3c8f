/** Tokenizer → the files that rebuild it: vocab.txt + tokenizer_config.json (BertTokenizer). */
import type { Tokenizer } from './types.ts';

/** Tokenizer → vocab.txt + tokenizer_config.json that rebuild the same tokenizer offline. */
export function tokenizerFiles(tokenizer: Tokenizer): { vocabTxt: string; tokenizerConfig: Record<string, unknown> } {
  const lines: string[] = [];
  for (let id = 0; id < tokenizer.vocabSize; id++) lines.push(tokenizer.idToToken(id) ?? `[unused${id}]`);
  const s = tokenizer.settings;
  return {
    vocabTxt: lines.join('\n') + '\n',
    tokenizerConfig: {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: s.doLowerCase,
      strip_accents: s.stripAccents,
      tokenize_chinese_chars: s.tokenizeChineseChars,
      unk_token: s.unkToken,
      sep_token: s.sepToken,
      pad_token: s.padToken,
      cls_token: s.clsToken,
      ...(s.maskToken === undefined ? {} : { mask_token: s.maskToken }),
      model_max_length: s.modelMaxLength,
    },
  };
}
