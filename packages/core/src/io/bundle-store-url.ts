/** Reads a bundle from a static host: <base>/manifest.json, then every file it lists. */
import { HubError, StorageError, throwIfAborted } from '../errors.ts';
import { checkBundle, checkManifest } from '../bundle/validate.ts';
import type { ClassifierManifest } from '../bundle/types.ts';
import type { BundleReadOptions, BundleStore } from './types.ts';
import { download } from './download.ts';
import { DEFAULT_STALL_TIMEOUT_MS } from './stall-watchdog.ts';
import { urlUnder } from '../util/safe-name.ts';

function baseUrl(target: string): string {
  const base = typeof location !== 'undefined' ? location.href : undefined;
  const url = new URL(target.replace(/\/manifest\.json$/, '').replace(/\/?$/, '/'), base);
  return url.href;
}

/** One file of the bundle, through the model downloader (stall time-out, length check), as StorageErrors. */
async function get(url: string, file: string, options: BundleReadOptions): Promise<Uint8Array> {
  let res;
  try {
    res = await download(url, {
      file,
      endpoint: new URL(url).origin,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      signal: options.signal,
      stallTimeoutMs: options.stallTimeoutMs,
    });
  } catch (e) {
    if (!(e instanceof HubError)) throw e; // CancelledError
    if (e.kind === 'timeout') {
      throw new StorageError(
        `${url} stalled: no bytes for ${options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS} ms`,
        'the server stopped sending; try again, or allow longer stalls with the loadClassifier option stallTimeoutMs',
        { cause: e },
      );
    }
    if (e.kind === 'offline') {
      throw new StorageError(`Could not fetch ${url} (${errorText(e.cause)})`, 'check the URL and your connection', {
        cause: e,
      });
    }
    throw new StorageError(`Could not fetch ${url}: ${e.message.split(' — ')[0]}`, 'check the URL and try again', {
      cause: e,
    });
  }
  if (!res.ok)
    throw new StorageError(
      `${url} answered ${res.status}`,
      'check that the whole classifier folder is published at that URL',
    );
  return res.bytes;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export const urlStore: BundleStore = {
  name: 'url',
  matches: (t) => /^(https?:|blob:|\/|\.{1,2}\/)/.test(t) || typeof location !== 'undefined',
  async read(target, options = {}) {
    const base = baseUrl(target);
    const manifestBytes = await get(base + 'manifest.json', 'manifest.json', options);
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
      files[name] = await get(urlUnder(base, name, `manifest.json of ${base}`), name, options);
    }
    return checkBundle({ manifest, files }, base);
  },
};
