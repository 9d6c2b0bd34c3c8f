/**
 * Chooses where a bundle is read from / written to by the target string, like tf.io's IORouter:
 * `indexeddb://name` (browsers), URLs (read-only, any static host), and — once '@browser-bert/core/node' is
 * imported — folder paths in Node.
 */
import { StorageError } from '../errors.ts';
import { idbStore } from './bundle-store-idb.ts';
import type { ClassifierBundle } from '../bundle/types.ts';
import type { BundleReadOptions, BundleStore } from './types.ts';
import { urlStore } from './bundle-store-url.ts';

const stores: BundleStore[] = [idbStore];

/** Registers a store; later registrations are tried first (the URL store is always last). */
export function registerBundleStore(store: BundleStore): void {
  if (!stores.includes(store)) stores.unshift(store);
}

function pick(target: string): BundleStore {
  const s = stores.find((x) => x.matches(target)) ?? (urlStore.matches(target) ? urlStore : undefined);
  if (!s) {
    throw new StorageError(
      `Don't know where "${target}" is`,
      "use indexeddb://<name> or a URL in a browser; in Node a folder path (import '@browser-bert/core/node')",
    );
  }
  return s;
}

export function readBundle(target: string, options?: BundleReadOptions): Promise<ClassifierBundle> {
  return pick(target).read(target, options);
}

export async function writeBundle(target: string, bundle: ClassifierBundle): Promise<void> {
  const s = pick(target);
  if (!s.write)
    throw new StorageError(
      `Cannot save to "${target}" (${s.name} is read-only)`,
      'save to indexeddb://<name>, a zip or a folder',
    );
  await s.write(target, bundle);
}
