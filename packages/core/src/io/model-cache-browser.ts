/** ModelCache on the browser Cache API (persists across page loads; the app lists and removes models). */
import { StorageError } from '../errors.ts';
import type { ModelCache } from './types.ts';

export const BROWSER_CACHE_NAME = 'browser-bert-models';

/** True where the Cache API exists (secure contexts: https or localhost/127.0.0.1). */
export function hasCacheApi(): boolean {
  return typeof globalThis.caches !== 'undefined' && typeof globalThis.caches.open === 'function';
}

export function createBrowserCache(name = BROWSER_CACHE_NAME): ModelCache {
  if (!hasCacheApi()) {
    throw new StorageError(
      'the Cache API is not available here',
      'serve the page over https or from localhost, or pass cache: false to load()',
    );
  }
  const open = () => caches.open(name);
  return {
    async get(key) {
      const res = await (await open()).match(key);
      if (!res) return undefined;
      const bytes = new Uint8Array(await res.arrayBuffer());
      // An entry is only ever written complete, but a quota eviction mid-write must not look like a short file.
      const expected = res.headers.get('x-browser-bert-size');
      return expected !== null && Number(expected) !== bytes.byteLength ? undefined : bytes;
    },
    async put(key, bytes) {
      const headers = {
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.byteLength),
        'x-browser-bert-size': String(bytes.byteLength),
      };
      try {
        await (await open()).put(key, new Response(bytes as Uint8Array<ArrayBuffer>, { headers }));
      } catch (e) {
        throw new StorageError(
          `could not store ${key} in the browser cache (${(e as Error).message})`,
          'free some space: remove cached models you no longer need',
          { cause: e },
        );
      }
    },
    async delete(key) {
      return (await open()).delete(key);
    },
    async list() {
      const c = await open();
      const out: { key: string; size: number }[] = [];
      for (const req of await c.keys()) {
        const res = await c.match(req);
        const size = Number(res?.headers.get('x-browser-bert-size') ?? NaN);
        out.push({ key: req.url, size: Number.isFinite(size) ? size : ((await res?.arrayBuffer())?.byteLength ?? 0) });
      }
      return out;
    },
  };
}
