/** What load() takes: where a model comes from, and how to fetch, cache and run it. */
import type { InferenceOptions } from '../kernel/attach.ts';
import type { FileProgress, ModelCache } from '../io/types.ts';

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
