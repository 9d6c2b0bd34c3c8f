/**
 * `await load(source, options)`: a ready LoadedModel (config, tokenizer, encoder, info) from a hub id, a folder
 * picked in the browser, or any FileSource. Runs in browsers, workers and Node; the Node flavour (node-load.ts)
 * adds local folder paths, HF_ENDPOINT/HF_TOKEN and the on-disk cache.
 */
import { BrowserBertError, HubError, throwIfAborted } from '../errors';
import { parseBertConfig } from '../config';
import type { Tokenizer } from '../tokenizer/types';
import { assembleModel, buildTokenizer } from './assemble';
import { createBrowserCache, hasCacheApi } from './cache-api';
import { createHubSource, createUrlSource, missingHubFile, type HubSource, type RemoteSource } from './hub-source';
import { createDirectorySource, createFilesSource } from './local-files';
import { readModelFiles } from './model-files';
import { normalizeEndpoint, parseHubId } from './source';
import type { FileSource, LoadedModel, LoadOptions, ModelCache, ModelSource } from './types';

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

/** The FileSource for a ModelSource, without Node: strings are hub ids. */
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
  throw new BrowserBertError(
    'USAGE',
    'unknown model source',
    'pass a hub id ("org/name"), { hub, revision }, { files } or { directory }',
  );
}

function isHubSource(s: FileSource): s is HubSource {
  return isRemoteSource(s) && (s as Partial<HubSource>).ref !== undefined;
}

function isRemoteSource(s: FileSource): s is RemoteSource {
  return typeof (s as Partial<RemoteSource>).finish === 'function';
}

/** An http(s) URL of a model folder on a web server (not a hub id). */
export function isModelUrl(source: string): boolean {
  return /^https?:\/\/[^/]/i.test(source);
}

function missingFileError(source: FileSource, hub: HubSource | undefined) {
  return (file: string, alternatives = ''): Error => {
    if (hub && file === 'config.json') {
      return new HubError(
        `model ${hub.ref.repo} not found at ${hub.endpoint} (no config.json at revision ${hub.ref.revision})`,
        'check the id and revision, or that the model is public (private models need a token)',
        { code: 'NOT_FOUND' },
      );
    }
    if (hub) return missingHubFile(hub, file, alternatives);
    return new HubError(
      `${source.description} has no ${file}${alternatives}`,
      'pick the folder that holds the model files (config.json, vocab.txt or tokenizer.json, and the weights)',
      { code: 'NOT_FOUND' },
    );
  };
}

/** Loads from an already resolved FileSource (any kind: hub, folder, picked files, a test double). */
export async function loadFromFiles(source: FileSource, options: LoadOptions = {}): Promise<LoadedModel> {
  throwIfAborted(options.signal);
  const hub = isHubSource(source) ? source : undefined;
  const files = await readModelFiles(source, {
    onProgress: options.onProgress,
    missing: missingFileError(source, hub),
    configRequired: hub !== undefined,
  });
  throwIfAborted(options.signal);
  const model = await assembleModel(files, {
    source: source.description,
    revision: source.revision,
    maxLength: options.maxLength,
    inference: options,
  });
  if (isRemoteSource(source)) await source.finish();
  return model;
}

/** Only the tokenizer (and config) of a FileSource: no weights are downloaded or read. */
export async function loadTokenizerFromFiles(source: FileSource, options: LoadOptions = {}): Promise<Tokenizer> {
  const hub = isHubSource(source) ? source : undefined;
  const files = await readModelFiles(source, {
    onProgress: options.onProgress,
    missing: missingFileError(source, hub),
    configRequired: hub !== undefined,
    weights: false,
  });
  const config = files.config === undefined ? undefined : parseBertConfig(files.config);
  const tokenizer = buildTokenizer(files, config, options.maxLength);
  if (isRemoteSource(source)) await source.finish();
  return tokenizer;
}

/** The tokenizer of a model (hub id, `{ hub }`, `{ files }`, `{ directory }`) without its weights. */
export async function loadTokenizer(source: ModelSource, options: LoadOptions = {}): Promise<Tokenizer> {
  return loadTokenizerFromFiles(resolveSource(source, options), options);
}

/**
 * Loads a model from a hub id (`org/name[@revision]`), `{ hub, revision }`, the URL of a model folder on a web
 * server (`https://host/models/tiny/`, e.g. `browser-bert convert` output), `{ files }` or `{ directory }`.
 */
export async function load(source: ModelSource, options: LoadOptions = {}): Promise<LoadedModel> {
  return loadFromFiles(resolveSource(source, options), options);
}
