import type { BertConfig } from '../config/types';
import type { BertEncoder, Pooling } from '../encoder/types';
import type { Tokenizer } from '../tokenizer/types';

/** Progress of one file download (or local read). `total` is undefined when the server gave no length. */
export interface FileProgress {
  readonly file: string;
  readonly loaded: number;
  readonly total: number | undefined;
  /** True once the file is complete (or came from the cache). */
  readonly done: boolean;
  readonly fromCache: boolean;
}

/**
 * Where a model comes from.
 * - a string: a hub id `org/name` (optionally `org/name@revision`), or in Node a local folder path;
 * - `{ hub, revision }`;
 * - `{ files }`: files picked in a browser (File[] with webkitRelativePath or plain names), or a directory handle.
 */
export type ModelSource =
  | string
  | { readonly hub: string; readonly revision?: string }
  | { readonly files: readonly File[] }
  | { readonly directory: FileSystemDirectoryHandle };

/** What is known about a loaded model, for reports, cache keys and the "random-init test model" badge. */
export interface ModelInfo {
  /** Hub id, folder path or "local files". */
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
  readonly defaultPooling: Exclude<Pooling, 'none' | 'flatten'>;
  /** sentence-transformers Normalize module present. */
  readonly normalize: boolean;
}

export interface LoadedModel {
  readonly info: ModelInfo;
  readonly config: BertConfig;
  readonly tokenizer: Tokenizer;
  readonly encoder: BertEncoder;
  dispose(): void;
}
