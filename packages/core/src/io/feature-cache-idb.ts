/** Feature cache in IndexedDB (browsers, workers): one record {dim, count, data: Float32Array} per key. */
import { StorageError } from '../errors.ts';
import { checkEntry, type FeatureCache, type FeatureEntry } from './feature-cache.ts';
import { idbRequest as request, openIdbStore } from './idb.ts';

const STORE = 'features';

export function createIdbFeatureCache(dbName = 'browser-bert-features'): FeatureCache {
  let hits = 0;
  let misses = 0;
  const store = async (mode: IDBTransactionMode) =>
    (await openIdbStore(dbName, STORE, 'use another feature cache (or none)'))
      .transaction(STORE, mode)
      .objectStore(STORE);
  return {
    async get(key) {
      try {
        const rec = (await request((await store('readonly')).get(key))) as FeatureEntry | undefined;
        if (rec) hits++;
        else misses++;
        return rec;
      } catch {
        misses++;
        return undefined;
      }
    },
    async put(key, entry) {
      checkEntry(key, entry);
      try {
        await request((await store('readwrite')).put({ dim: entry.dim, count: entry.count, data: entry.data }, key));
      } catch (e) {
        throw new StorageError(
          `Could not store features in IndexedDB (${(e as Error).message})`,
          'free some browser storage',
          { cause: e },
        );
      }
    },
    async clear() {
      await request((await store('readwrite')).clear());
    },
    async stats() {
      const s = await store('readonly');
      const recs = (await request(s.getAll())) as FeatureEntry[];
      return { entries: recs.length, bytes: recs.reduce((a, r) => a + r.data.byteLength, 0), hits, misses };
    },
  };
}
