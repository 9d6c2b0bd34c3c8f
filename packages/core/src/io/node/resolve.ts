/**
 * Which FileSource a ModelSource names in Node: a string that names an existing folder is read from disk; otherwise
 * it is a hub id or a folder URL. Defaults: endpoint $HF_ENDPOINT (else https://huggingface.co), token $HF_TOKEN,
 * cache folder $BROWSER_BERT_CACHE (else ~/.cache/browser-bert); HF_HUB_OFFLINE=1 uses the cache only; stall time-out
 * of downloads $BROWSER_BERT_TIMEOUT_MS (else 30 s).
 */
import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../../errors.ts';
import { hubSourceFor, isModelUrl, resolveSource } from '../resolve.ts';
import type { FileSource, ModelCache, ModelSource, SourceOptions } from '../types.ts';
import { createFolderSource } from './folder-source.ts';
import { createFolderCache } from './model-cache.ts';
import { defaultCacheDir } from './paths.ts';

export interface NodeSourceOptions extends SourceOptions {
  /**
   * Environment to read HF_ENDPOINT / HF_TOKEN / BROWSER_BERT_CACHE / HF_HUB_OFFLINE / BROWSER_BERT_TIMEOUT_MS from.
   * Default process.env.
   */
  env?: NodeJS.ProcessEnv;
}

/** Looks like a filesystem path rather than a hub id (so a missing folder is reported as such). */
function looksLikePath(s: string): boolean {
  const beforeRevision = s.split('@')[0] ?? s;
  return (
    /^(\.{1,2}([/\\]|$)|[/\\~]|[A-Za-z]:[/\\])/.test(s) || s.includes('\\') || beforeRevision.split('/').length > 2
  );
}

/** The options with the environment's defaults filled in (endpoint, token, the cache folder, offline mode). */
export function nodeSourceDefaults<T extends NodeSourceOptions>(options: T): T & { cache: ModelCache | false } {
  const env = options.env ?? process.env;
  const endpoint = options.endpoint ?? (env.HF_ENDPOINT?.trim() || undefined);
  const token = options.token ?? (env.HF_TOKEN?.trim() || undefined);
  const cache = options.cache ?? createFolderCache(defaultCacheDir(env));
  // HF_HUB_OFFLINE=1 (the huggingface_hub convention): cached files only, no request at all.
  const offline = /^(1|true|yes|on)$/i.test(env.HF_HUB_OFFLINE?.trim() ?? '');
  const fetch = offline
    ? () => Promise.reject(new TypeError('HF_HUB_OFFLINE is set: no network requests'))
    : options.fetch;
  const stallTimeoutMs = options.stallTimeoutMs ?? stallTimeoutFromEnv(env);
  return {
    ...options,
    endpoint,
    token,
    cache,
    ...(fetch ? { fetch } : {}),
    ...(stallTimeoutMs === undefined ? {} : { stallTimeoutMs }),
  };
}

/** BROWSER_BERT_TIMEOUT_MS: the stall time-out of downloads in ms (0 = never; undefined when unset). */
export function stallTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.BROWSER_BERT_TIMEOUT_MS;
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(
      `BROWSER_BERT_TIMEOUT_MS must be a whole number of milliseconds, got "${raw}"`,
      'set it to e.g. 60000 (0 = wait forever), or unset it for the default of 30000',
    );
  }
  return n;
}

export function resolveNodeSource(source: ModelSource, options: NodeSourceOptions = {}): FileSource {
  const opts = nodeSourceDefaults(options);
  if (typeof source !== 'string' || isModelUrl(source)) return resolveSource(source, opts);
  if (existsSync(source)) {
    if (!statSync(source).isDirectory()) {
      throw new UsageError(
        `${source} is a file, not a model folder`,
        'pass the folder that holds config.json and the weights',
      );
    }
    return createFolderSource(source);
  }
  if (looksLikePath(source)) {
    throw new UsageError(
      `model folder ${source} does not exist`,
      'check the path, or give a hub id like google/bert_uncased_L-2_H-128_A-2',
    );
  }
  return hubSourceFor(source, opts, opts.cache === false ? undefined : opts.cache);
}
