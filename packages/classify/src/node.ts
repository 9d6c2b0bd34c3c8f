/**
 * @browser-bert/classify in Node: the same runtime with folder paths (a saved classifier folder, an encoder folder),
 * the model cache folder, HF_ENDPOINT / HF_TOKEN, and the kernel on worker_threads.
 */
import { existsSync, statSync } from 'node:fs';
import type { LazyClassifierBundle } from '../../core/src/bundle/types.ts';
import { IDB_SCHEME, readIdbBundleLazily } from '../../core/src/io/bundle-store-idb.ts';
import { readBundleFrom, type ClassifierSource } from '../../core/src/io/bundle-source.ts';
import { readBundleFolder } from '../../core/src/io/node/bundle-store.ts';
import { resolveNodeSource } from '../../core/src/io/node/resolve.ts';
import { nodeKernelSpawner } from '../../core/src/kernel/node-spawn.ts';
import { loadRuntimeClassifier } from './runtime.ts';
import type { LoadOptions, RuntimeClassifier } from './types.ts';

export type * from './types.ts';
export type { ClassifierSource };
export * from './errors.ts';

export interface NodeLoadOptions extends LoadOptions {
  /** Environment to read HF_ENDPOINT / HF_TOKEN / BROWSER_BERT_CACHE / HF_HUB_OFFLINE from. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

function readBundle(source: ClassifierSource, options: LoadOptions): Promise<LazyClassifierBundle> {
  if (typeof source === 'string' && source.startsWith(IDB_SCHEME)) return readIdbBundleLazily(source);
  if (typeof source === 'string' && existsSync(source) && statSync(source).isDirectory()) {
    return readBundleFolder(source);
  }
  return readBundleFrom(source, { fetch: options.fetch, signal: options.signal });
}

/**
 * Loads a saved classifier: a folder (written by `browser-bert train --out` or `classifier.save(dir)`), a .zip's
 * bytes, the URL of a published bundle, or a bundle object. A classifier saved without its encoder loads it from its
 * recorded source (hub id, URL or folder; `options.encoder` overrides it), checked against the weights it was
 * trained on.
 */
export async function loadClassifier(
  source: ClassifierSource,
  options: NodeLoadOptions = {},
): Promise<RuntimeClassifier> {
  return loadRuntimeClassifier(() => readBundle(source, options), options, {
    encoderSource: (s, revision, o) =>
      resolveNodeSource(s, { ...o, ...(options.env ? { env: options.env } : {}), ...(revision ? { revision } : {}) }),
    spawner: nodeKernelSpawner,
  });
}
