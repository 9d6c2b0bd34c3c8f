/** What loading a model gives: the assembled stages and what is known about the weights. */
import type { BertConfig } from '../config/types.ts';
import type { BertEncoder } from '../encoder/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { ModelPooling } from '../vocabulary.ts';

/** What is known about a loaded model, for reports, cache keys and the "random-init test model" badge. */
export interface ModelInfo {
  /** Hub id, folder URL, folder path or "local files". */
  readonly source: string;
  /** Hub revision asked for (branch/tag/commit) or undefined for local sources. */
  readonly revision: string | undefined;
  /** sha256 (hex) of the weights file(s) that were read: identifies the weights whatever the source. */
  readonly weightsHash: string;
  readonly weightsFormat:
    'safetensors' | 'safetensors-sharded' | 'torch-zip' | 'torch-legacy' | 'tfjs-bundle' | 'tfjs-graph';
  /** True when the checkpoint says it was randomly initialised (our fixture generator marks this). */
  readonly randomInit: boolean;
  /** Pooling the model's authors intend (sentence-transformers 1_Pooling), else 'mean'. */
  readonly defaultPooling: ModelPooling;
  /** sentence-transformers Normalize module present. */
  readonly normalize: boolean;
  /** Things the user should know, e.g. a sentence-transformers pooling mode we replaced by mean. */
  readonly warnings?: readonly string[];
}

export interface LoadedModel {
  readonly info: ModelInfo;
  readonly config: BertConfig;
  readonly tokenizer: Tokenizer;
  readonly encoder: BertEncoder;
  dispose(): void;
}
