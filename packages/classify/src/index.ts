/**
 * @browser-bert/classify — run a classifier trained with browser-bert, without TF.js: the project's WebAssembly
 * kernel for the encoder (in Web Workers) and the head in plain JS. Browser / worker / bundler entry; Node uses the
 * package's node entry (folder paths, worker_threads), chosen by the `node` export condition.
 */
import { readBundleFrom, type ClassifierSource } from '../../core/src/io/bundle-source.ts';
import { IDB_SCHEME, readIdbBundleLazily } from '../../core/src/io/bundle-store-idb.ts';
import { resolveSource } from '../../core/src/io/resolve.ts';
import { webKernelSpawner } from '../../core/src/kernel/spawn.ts';
import { loadRuntimeClassifier } from './runtime.ts';
import type { LoadOptions, RuntimeClassifier } from './types.ts';

export type * from './types.ts';
export type { ClassifierSource };
export * from './errors.ts';

/**
 * Loads a saved classifier: the URL of a published bundle folder (its manifest.json beside its files),
 * `indexeddb://name` (saved by the browser-bert app or library), a .zip (Blob, File, bytes), picked files or a
 * directory handle, or a bundle object. A classifier saved without its encoder loads it from its recorded source
 * (a hub id or a model-folder URL; `options.encoder` overrides it), checked against the weights it was trained on.
 */
export async function loadClassifier(source: ClassifierSource, options: LoadOptions = {}): Promise<RuntimeClassifier> {
  // A saved classifier in IndexedDB is read lazily: its weights stay a Blob, which the kernel's workers read.
  const read = () =>
    typeof source === 'string' && source.startsWith(IDB_SCHEME)
      ? readIdbBundleLazily(source)
      : readBundleFrom(source, { fetch: options.fetch, signal: options.signal });
  return loadRuntimeClassifier(read, options, {
    encoderSource: (s, revision, o) => resolveSource(s, { ...o, ...(revision ? { revision } : {}) }),
    spawner: webKernelSpawner(),
  });
}
