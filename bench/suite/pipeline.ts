/** Builds the project's tokenizer and encoder from checkpoint bytes (the same path in Node and the page). */
import { createTokenizer } from '../../packages/core/src/tokenizer/index';
import { parseBertConfig } from '../../packages/core/src/config/index';
import { readSafetensors } from '../../packages/core/src/weights/safetensors';
import { createBertEncoder } from '../../packages/core/src/encoder/index';
import type { BertEncoder } from '../../packages/core/src/encoder/types';
import type { Tokenizer } from '../../packages/core/src/tokenizer/types';
import type { BertConfig } from '../../packages/core/src/config/types';
import type { ModelBytes } from './types';

export interface Pipeline {
  readonly config: BertConfig;
  readonly tokenizer: Tokenizer;
  readonly encoder: BertEncoder;
  dispose(): void;
}

export function buildPipeline(m: ModelBytes, maxLength = 128): Pipeline {
  const config = parseBertConfig(m.configJson);
  const tokenizer = createTokenizer(
    { vocabTxt: m.vocabTxt, tokenizerConfig: m.tokenizerConfig },
    { maxLength, modelMaxLength: config.maxPositionEmbeddings },
  );
  const encoder = createBertEncoder(config, readSafetensors(m.safetensors).tensors, { source: `${m.shape} fixture` });
  return { config, tokenizer, encoder, dispose: () => encoder.dispose() };
}
