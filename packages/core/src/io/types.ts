/** The byte layer's types: files from sources, caches of downloads, stores of classifier bundles. No models here. */
import type { ClassifierBundle } from '../bundle/types.ts';

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
  /** Called after a successful load: remote sources record in their cache which files they found and lacked. */
  finish?(): Promise<void>;
}

export interface BundleReadOptions {
  fetch?: typeof fetch | undefined;
  signal?: AbortSignal | undefined;
  /** Bundles by URL: fail with a StorageError when no byte arrives for this long. Default 30 000 ms; 0 = never. */
  stallTimeoutMs?: number | undefined;
}

/** A place bundles can be read from / written to, chosen by the target string (see bundle-store.ts). */
export interface BundleStore {
  readonly name: string;
  matches(target: string): boolean;
  read(target: string, options?: BundleReadOptions): Promise<ClassifierBundle>;
  write?(target: string, bundle: ClassifierBundle): Promise<void>;
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

/** How a ModelSource's files are fetched and cached (hub ids and URLs; picked files need none of it). */
export interface SourceOptions {
  /** Hub revision (branch, tag or commit sha). Default "main", or the `@revision` of the id. */
  revision?: string | undefined;
  /** Hub endpoint. Default https://huggingface.co (in Node: HF_ENDPOINT when set). */
  endpoint?: string | undefined;
  /** Hub access token for gated/private models (sent as Authorization: Bearer). */
  token?: string | undefined;
  /** Where downloads are kept. Default: the Cache API in browsers, the cache folder in Node; false = no cache. */
  cache?: ModelCache | false | undefined;
  /** Re-download even when the files are cached (still falls back to the cache when offline). */
  refresh?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Injectable fetch (tests, proxies). Default globalThis.fetch. */
  fetch?: typeof fetch | undefined;
  /**
   * A download that receives no byte for this long (waiting for the response, or mid-body) fails with HubError
   * kind 'timeout' and is not cached. Default 30 000 ms; 0 = wait forever. Node: BROWSER_BERT_TIMEOUT_MS.
   */
  stallTimeoutMs?: number | undefined;
}
