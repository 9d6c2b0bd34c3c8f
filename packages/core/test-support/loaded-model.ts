/** Test/bench helper (browser-safe): a LoadedModel from the parts of a random-init fixture, marked as such. */
import type { BertConfig } from '../src/config/types';
import type { BertEncoder } from '../src/encoder/types';
import type { LoadedModel } from '../src/hub/types';
import type { Tokenizer } from '../src/tokenizer/types';

export interface FixtureModelParts {
  readonly source: string;
  /** Any string that identifies the weights (feature-cache keys, bundle manifests). */
  readonly weightsHash: string;
  readonly config: BertConfig;
  readonly tokenizer: Tokenizer;
  /** Disposed with the model. */
  readonly encoder: BertEncoder;
}

export function fixtureLoadedModel({
  source,
  weightsHash,
  config,
  tokenizer,
  encoder,
}: FixtureModelParts): LoadedModel {
  return {
    info: {
      source,
      revision: undefined,
      weightsHash,
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
}
