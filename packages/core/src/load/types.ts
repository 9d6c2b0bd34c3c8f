/** What load() takes: where a model comes from (io/types.ts), and how to fetch, cache and run it. */
import type { InferenceOptions } from '../kernel/attach.ts';
import type { FileProgress, SourceOptions } from '../io/types.ts';

export type { ModelSource } from '../io/types.ts';

export interface LoadOptions extends SourceOptions, InferenceOptions {
  /** Default truncation length of the tokenizer (≤ the model's own limit). Default 128. */
  maxLength?: number;
  onProgress?(p: FileProgress): void;
}
