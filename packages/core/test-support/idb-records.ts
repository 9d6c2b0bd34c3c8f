/**
 * Test helper: saved-classifier records exactly as IndexedDB holds them, read and written past the store (to see
 * how it saved a bundle, or to plant a record of an earlier version or a damaged one). A connection of its own per call.
 */
import { BUNDLE_DB, BUNDLE_STORE } from '../src/io/bundle-store-idb';
import { idbRequest, idbTransactionDone } from '../src/io/idb';

export type RawRecord = { files: Record<string, unknown> } & Record<string, unknown>;

async function withDb<T>(use: (db: IDBDatabase) => Promise<T>): Promise<T> {
  const db = await idbRequest(indexedDB.open(BUNDLE_DB, 1));
  try {
    return await use(db);
  } finally {
    db.close();
  }
}

/** The record saved under `name`. */
export function readRawRecord(name: string): Promise<RawRecord> {
  return withDb(
    async (db) => (await idbRequest(db.transaction(BUNDLE_STORE).objectStore(BUNDLE_STORE).get(name))) as RawRecord,
  );
}

/** Puts `record` under `name`, as it is. */
export function putRawRecord(name: string, record: object): Promise<void> {
  return withDb(async (db) => {
    const tx = db.transaction(BUNDLE_STORE, 'readwrite');
    const done = idbTransactionDone(tx);
    tx.objectStore(BUNDLE_STORE).put(record, name);
    await done;
  });
}
