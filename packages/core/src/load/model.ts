/**
 * `await load(source, options)`: a ready LoadedModel (config, tokenizer, encoder, info) from a hub id, the URL of a
 * model folder, a folder picked in the browser, or a directory handle. Runs in browsers, workers and Node; the Node
 * flavour (node-model.ts) adds local folder paths, HF_ENDPOINT/HF_TOKEN and the on-disk cache. Resolving the source
 * is the byte layer's job (io/), assembling the model the model layer's (model/).
 */
import { UsageError } from '../errors.ts';
import { normalizeEndpoint, parseHubId } from '../io/hub-id.ts';
import { createBrowserCache, hasCacheApi } from '../io/model-cache-browser.ts';
import { createDirectorySource, createFilesSource } from '../io/picked-files.ts';
import { createHubSource, createUrlSource, type HubSource } from '../io/remote-source.ts';
import type { FileSource, ModelCache } from '../io/types.ts';
import { loadFromSource, loadTokenizerFromSource } from '../model/from-source.ts';
import type { LoadedModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { LoadOptions, ModelSource } from './types.ts';

/** The default cache where none is given: the Cache API when the page can use it, else none. */
function defaultCache(options: LoadOptions): ModelCache | undefined {
  if (options.cache === false) return undefined;
  if (options.cache) return options.cache;
  return hasCacheApi() ? createBrowserCache() : undefined;
}

export function hubSourceFor(
  id: string,
  options: LoadOptions & { revision?: string | undefined },
  cache: ModelCache | undefined,
): HubSource {
  return createHubSource({
    endpoint: normalizeEndpoint(options.endpoint),
    ref: parseHubId(id, options.revision),
    token: options.token,
    cache,
    refresh: options.refresh,
    signal: options.signal,
    fetch: options.fetch,
  });
}

/** An http(s) URL of a model folder on a web server (not a hub id). */
export function isModelUrl(source: string): boolean {
  return /^https?:\/\/[^/]/i.test(source);
}

/** The FileSource for a ModelSource, without Node: strings are hub ids or folder URLs. */
export function resolveSource(source: ModelSource, options: LoadOptions = {}): FileSource {
  if (typeof source === 'string' && isModelUrl(source)) {
    return createUrlSource(source, {
      token: options.token,
      cache: defaultCache(options),
      refresh: options.refresh,
      signal: options.signal,
      fetch: options.fetch,
    });
  }
  if (typeof source === 'string') return hubSourceFor(source, options, defaultCache(options));
  if ('hub' in source) {
    return hubSourceFor(
      source.hub,
      { ...options, revision: source.revision ?? options.revision },
      defaultCache(options),
    );
  }
  if ('files' in source) return createFilesSource(source.files);
  if ('directory' in source) return createDirectorySource(source.directory);
  throw new UsageError(
    'unknown model source',
    'pass a hub id ("org/name"), { hub, revision }, { files } or { directory }',
  );
}

/** The tokenizer of a model (hub id, `{ hub }`, `{ files }`, `{ directory }`) without its weights. */
export async function loadTokenizer(source: ModelSource, options: LoadOptions = {}): Promise<Tokenizer> {
  return loadTokenizerFromSource(resolveSource(source, options), options);
}

/**
 * Loads a model from a hub id (`org/name[@revision]`), `{ hub, revision }`, the URL of a model folder on a web
 * server (`https://host/models/tiny/`, e.g. `browser-bert convert` output), `{ files }` or `{ directory }`.
 */
export async function load(source: ModelSource, options: LoadOptions = {}): Promise<LoadedModel> {
  return loadFromSource(resolveSource(source, options), options);
}
