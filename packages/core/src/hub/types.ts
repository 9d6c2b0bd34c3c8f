import type { InferenceOptions } from '../kernel/attach';
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
 * - a string: a hub id `org/name` (optionally `org/name@revision`), the http(s) URL of a model folder on a web
 *   server, or in Node a local folder path;
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
  readonly defaultPooling: Exclude<Pooling, 'none' | 'flatten'>;
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

/**
 * Stores downloaded model files. Keys are the file's resolve URL (see `hubFileKey`): endpoint + repo + revision +
 * file. `put` is only called with a complete, length-checked download.
 */
export interface ModelCache {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Resolves true when something was removed. */
  delete(key: string): Promise<boolean>;
  list(): Promise<CacheEntry[]>;
}

export interface CacheEntry {
  readonly key: string;
  /** Bytes. */
  readonly size: number;
}

/** One cached model (endpoint + repo + revision) with its files, for "manage downloads" screens. */
export interface CachedModel {
  readonly endpoint: string;
  readonly repo: string;
  readonly revision: string;
  readonly files: readonly CacheEntry[];
  /** Sum of the files' sizes in bytes. */
  readonly size: number;
}

/**
 * Where load() reads a model's files from: a hub repo, a local folder, files picked in a browser.
 * Names are repo-relative with "/" separators (e.g. "1_Pooling/config.json").
 */
export interface FileSource {
  /** For messages and ModelInfo.source: hub id, folder path or "local files". */
  readonly description: string;
  /** Hub revision (undefined for local sources). */
  readonly revision: string | undefined;
  /** All file names, when the source can list them cheaply (local sources). */
  listFiles?(): Promise<string[]>;
  /** The file's bytes, or undefined when the source has no such file (404 / absent). */
  get(name: string, onProgress?: (p: FileProgress) => void): Promise<Uint8Array | undefined>;
}

export interface LoadOptions extends InferenceOptions {
  /** Hub revision (branch, tag or commit sha). Default "main", or the `@revision` of the id. */
  revision?: string;
  /** Hub endpoint. Default https://huggingface.co (in Node: HF_ENDPOINT when set). */
  endpoint?: string;
  /** Hub access token for gated/private models (sent as Authorization: Bearer). */
  token?: string;
  /** Where downloads are kept. Default: the Cache API in browsers, the cache folder in Node; false = no cache. */
  cache?: ModelCache | false;
  /** Re-download even when the files are cached (still falls back to the cache when offline). */
  refresh?: boolean;
  /** Default truncation length of the tokenizer (≤ the model's own limit). Default 128. */
  maxLength?: number;
  onProgress?(p: FileProgress): void;
  signal?: AbortSignal;
  /** Injectable fetch (tests, proxies). Default globalThis.fetch. */
  fetch?: typeof fetch;
}
