/**
 * Which FileSource a ModelSource names, without Node: a hub id (`org/name[@revision]`, `{ hub, revision }`), the
 * http(s) URL of a model folder on a web server, `{ files }` picked in a browser or a `{ directory }` handle.
 */
import { UsageError } from '../errors.ts';
import { normalizeEndpoint, parseHubId } from './hub-id.ts';
import { createBrowserCache, hasCacheApi } from './model-cache-browser.ts';
import { createDirectorySource, createFilesSource } from './picked-files.ts';
import { createHubSource, createUrlSource, type HubSource } from './remote-source.ts';
import type { FileSource, ModelCache, ModelSource, SourceOptions } from './types.ts';

/** The default cache where none is given: the Cache API when the page can use it, else none. */
function defaultCache(options: SourceOptions): ModelCache | undefined {
  if (options.cache === false) return undefined;
  if (options.cache) return options.cache;
  return hasCacheApi() ? createBrowserCache() : undefined;
}

export function hubSourceFor(id: string, options: SourceOptions, cache: ModelCache | undefined): HubSource {
  return createHubSource({
    endpoint: normalizeEndpoint(options.endpoint),
    ref: parseHubId(id, options.revision),
    token: options.token,
    cache,
    refresh: options.refresh,
    signal: options.signal,
    fetch: options.fetch,
    stallTimeoutMs: options.stallTimeoutMs,
  });
}

/** An http(s) URL of a model folder on a web server (not a hub id). */
export function isModelUrl(source: string): boolean {
  return /^https?:\/\/[^/]/i.test(source);
}

/** The FileSource for a ModelSource, without Node: strings are hub ids or folder URLs. */
export function resolveSource(source: ModelSource, options: SourceOptions = {}): FileSource {
  if (typeof source === 'string' && isModelUrl(source)) {
    return createUrlSource(source, {
      token: options.token,
      cache: defaultCache(options),
      refresh: options.refresh,
      signal: options.signal,
      fetch: options.fetch,
      stallTimeoutMs: options.stallTimeoutMs,
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
