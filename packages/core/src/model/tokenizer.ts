import type { BertConfig } from '../config/types.ts';
import { createTokenizer } from '../tokenizer/index.ts';
import type { Tokenizer, TokenizerFiles } from '../tokenizer/types.ts';

/** The tokenizer of a model folder; its limit is the config's max_position_embeddings when there is a config. */
export function assembleTokenizer(
  files: TokenizerFiles,
  config: BertConfig | undefined,
  maxLength: number | undefined,
): Tokenizer {
  return createTokenizer(files, {
    ...(maxLength === undefined ? {} : { maxLength }),
    ...(config === undefined ? {} : { modelMaxLength: config.maxPositionEmbeddings }),
  });
}
