/** Reads a bundle from a static host: <base>/manifest.json, then every file it lists. */
import { StorageError, throwIfAborted } from '../errors.ts';
import { checkBundle, checkManifest } from '../bundle/validate.ts';
import type { ClassifierManifest } from '../bundle/types.ts';
import type { BundleStore } from './types.ts';
import { urlUnder } from '../util/safe-name.ts';

function baseUrl(target: string): string {
  const base = typeof location !== 'undefined' ? location.href : undefined;
  const url = new URL(target.replace(/\/manifest\.json$/, '').replace(/\/?$/, '/'), base);
  return url.href;
}

async function get(url: string, f: typeof fetch, signal?: AbortSignal): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await f(url, signal ? { signal } : {});
  } catch (e) {
    throw new StorageError(`Could not fetch ${url} (${(e as Error).message})`, 'check the URL and your connection', {
      cause: e,
    });
  }
  if (!res.ok)
    throw new StorageError(
      `${url} answered ${res.status}`,
      'check that the whole classifier folder is published at that URL',
    );
  return new Uint8Array(await res.arrayBuffer());
}

export const urlStore: BundleStore = {
  name: 'url',
  matches: (t) => /^(https?:|blob:|\/|\.{1,2}\/)/.test(t) || typeof location !== 'undefined',
  async read(target, options = {}) {
    const f = options.fetch ?? globalThis.fetch.bind(globalThis);
    const base = baseUrl(target);
    const manifestBytes = await get(base + 'manifest.json', f, options.signal);
    let manifest: ClassifierManifest;
    try {
      manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as ClassifierManifest;
    } catch (e) {
      throw new StorageError(`${base}manifest.json is not JSON`, 'point at a classifier folder saved by browser-bert', {
        cause: e,
      });
    }
    const files: Record<string, Uint8Array> = {};
    for (const name of checkManifest(manifest, base)) {
      throwIfAborted(options.signal);
      files[name] = await get(urlUnder(base, name, `manifest.json of ${base}`), f, options.signal);
    }
    return checkBundle({ manifest, files }, base);
  },
};
