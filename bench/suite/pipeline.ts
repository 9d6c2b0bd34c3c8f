/** Builds the project's tokenizer and encoder from checkpoint bytes (the same path in Node and the page). */
import { createTokenizer } from '../../packages/core/src/tokenizer/index';
import { parseBertConfig } from '../../packages/core/src/config/index';
import { readSafetensors } from '../../packages/core/src/weights/safetensors';
import { createBertEncoder } from '../../packages/core/src/encoder/index';
import type { BertEncoder } from '../../packages/core/src/encoder/types';
import type { Tokenizer } from '../../packages/core/src/tokenizer/types';
import type { BertConfig } from '../../packages/core/src/config/types';
import type { LoadedModel } from '../../packages/core/src/hub/types';
import type { ModelBytes } from './types';

export interface Pipeline {
  readonly config: BertConfig;
  readonly tokenizer: Tokenizer;
  readonly encoder: BertEncoder;
  /** The same pieces as the LoadedModel the training pipeline takes (random-init fixture, marked as such). */
  readonly model: LoadedModel;
  dispose(): void;
}

export function buildPipeline(m: ModelBytes, maxLength = 128): Pipeline {
  const config = parseBertConfig(m.configJson);
  const tokenizer = createTokenizer(
    { vocabTxt: m.vocabTxt, tokenizerConfig: m.tokenizerConfig },
    { maxLength, modelMaxLength: config.maxPositionEmbeddings },
  );
  const encoder = createBertEncoder(config, readSafetensors(m.safetensors).tensors, { source: `${m.shape} fixture` });
  const model: LoadedModel = {
    info: {
      source: `bench ${m.shape} fixture`,
      revision: undefined,
      weightsHash: `bench-${m.shape}-${m.safetensors.byteLength}`,
      weightsFormat: 'safetensors',
      randomInit: true,
      defaultPooling: 'mean',
      normalize: false,
    },
    config,
    tokenizer,
    encoder,
    dispose: () => encoder.dispose(),
  };
  return { config, tokenizer, encoder, model, dispose: () => encoder.dispose() };
}
