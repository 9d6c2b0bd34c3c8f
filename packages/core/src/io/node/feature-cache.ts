/**
 * Feature cache in a folder (Node): <cache root>/features/<key>.f32 (raw little-endian float32) with a small
 * <key>.json ({dim, count}). Default root $BROWSER_BERT_CACHE or ~/.cache/browser-bert (the models' cache root).
 * Written to a temp file and renamed, so an interrupted write never leaves a partial entry.
 */
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StorageError } from '../../errors.ts';
import { checkEntry, type FeatureCache, type FeatureEntry } from '../feature-cache.ts';
import { defaultFeatureCacheDir } from './paths.ts';

export function createFolderFeatureCache(
  dir: string = defaultFeatureCacheDir(),
): FeatureCache & { readonly dir: string } {
  let hits = 0;
  let misses = 0;
  const file = (key: string, ext: string) => {
    if (!/^[0-9a-f]{16,128}$/.test(key)) throw new StorageError(`Bad feature cache key "${key}"`);
    return path.join(dir, `${key}.${ext}`);
  };
  return {
    dir,
    async get(key) {
      try {
        const meta = JSON.parse(await readFile(file(key, 'json'), 'utf8')) as { dim: number; count: number };
        const bytes = await readFile(file(key, 'f32'));
        const data = new Float32Array(bytes.byteLength / 4);
        new Uint8Array(data.buffer).set(bytes);
        const entry: FeatureEntry = { dim: meta.dim, count: meta.count, data };
        checkEntry(key, entry);
        hits++;
        return entry;
      } catch {
        misses++;
        return undefined;
      }
    },
    async put(key, entry) {
      checkEntry(key, entry);
      try {
        await mkdir(dir, { recursive: true });
        const tmp = `${file(key, 'f32')}.tmp-${process.pid}-${Date.now()}`;
        await writeFile(tmp, new Uint8Array(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength));
        await rename(tmp, file(key, 'f32'));
        await writeFile(file(key, 'json'), JSON.stringify({ dim: entry.dim, count: entry.count }));
      } catch (e) {
        throw new StorageError(
          `feature cache ${dir}: cannot write (${(e as Error).message})`,
          'set BROWSER_BERT_CACHE to a writable folder with free space',
          { cause: e },
        );
      }
    },
    async clear() {
      await rm(dir, { recursive: true, force: true });
    },
    async stats() {
      let entries = 0;
      let bytes = 0;
      try {
        for (const name of await readdir(dir)) {
          if (!name.endsWith('.f32')) continue;
          entries++;
          bytes += (await stat(path.join(dir, name))).size;
        }
      } catch {
        /* no folder yet */
      }
      return { entries, bytes, hits, misses };
    },
  };
}
