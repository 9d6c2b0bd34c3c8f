/**
 * Node flavour of load(): a string that names an existing folder is read from disk; otherwise it is a hub id.
 * Defaults: endpoint $HF_ENDPOINT (else https://huggingface.co), token $HF_TOKEN, cache folder
 * $BROWSER_BERT_CACHE (else ~/.cache/browser-bert); HF_HUB_OFFLINE=1 uses the cache only.
 */
import { existsSync, statSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import { createFolderSource } from '../io/node/folder-source.ts';
import { createFolderCache } from '../io/node/model-cache.ts';
import { defaultCacheDir } from '../io/node/paths.ts';
import type { FileSource, ModelCache } from '../io/types.ts';
import { loadFromSource, loadTokenizerFromSource } from '../model/from-source.ts';
import type { LoadedModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import { hubSourceFor, isModelUrl, resolveSource } from './model.ts';
import type { LoadOptions, ModelSource } from './types.ts';

export interface NodeLoadOptions extends LoadOptions {
  /** Environment to read HF_ENDPOINT / HF_TOKEN / BROWSER_BERT_CACHE from. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Looks like a filesystem path rather than a hub id (so a missing folder is reported as such). */
function looksLikePath(s: string): boolean {
  const beforeRevision = s.split('@')[0] ?? s;
  return (
    /^(\.{1,2}([/\\]|$)|[/\\~]|[A-Za-z]:[/\\])/.test(s) || s.includes('\\') || beforeRevision.split('/').length > 2
  );
}

export function nodeLoadDefaults(options: NodeLoadOptions = {}): LoadOptions & { cache: ModelCache | false } {
  const env = options.env ?? process.env;
  const endpoint = options.endpoint ?? (env.HF_ENDPOINT?.trim() || undefined);
  const token = options.token ?? (env.HF_TOKEN?.trim() || undefined);
  const cache = options.cache ?? createFolderCache(defaultCacheDir(env));
  // HF_HUB_OFFLINE=1 (the huggingface_hub convention): cached files only, no request at all.
  const offline = /^(1|true|yes|on)$/i.test(env.HF_HUB_OFFLINE?.trim() ?? '');
  const fetch = offline
    ? () => Promise.reject(new TypeError('HF_HUB_OFFLINE is set: no network requests'))
    : options.fetch;
  return { ...options, endpoint, token, cache, ...(fetch ? { fetch } : {}) };
}

export function resolveNodeSource(source: ModelSource, options: NodeLoadOptions = {}): FileSource {
  const opts = nodeLoadDefaults(options);
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

/** load() for Node: local folder paths, HF_ENDPOINT, HF_TOKEN and the cache folder. */
export async function loadNode(source: ModelSource, options: NodeLoadOptions = {}): Promise<LoadedModel> {
  return loadFromSource(resolveNodeSource(source, options), nodeLoadDefaults(options));
}

/** The tokenizer only (no weights), with the same source rules and defaults as loadNode. */
export async function loadTokenizerNode(source: ModelSource, options: NodeLoadOptions = {}): Promise<Tokenizer> {
  return loadTokenizerFromSource(resolveNodeSource(source, options), nodeLoadDefaults(options));
}
