/** The IndexedDB plumbing the IndexedDB stores share: one object store per database, requests as promises. */
import { StorageError } from '../errors.ts';

export function idbRequest<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Opens (creating on first use) database `db` with the single object store `store`. `hint`: what to use instead. */
export async function openIdbStore(db: string, store: string, hint: string): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') throw new StorageError('IndexedDB is not available here', hint);
  const open = indexedDB.open(db, 1);
  open.onupgradeneeded = () => {
    if (!open.result.objectStoreNames.contains(store)) open.result.createObjectStore(store);
  };
  return idbRequest(open);
}

/** Resolves when `tx` has committed; rejects with its error (or an AbortError) when it aborts or fails. */
export function idbTransactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    const failed = () => reject(tx.error ?? new DOMException('The transaction was aborted', 'AbortError'));
    tx.onabort = failed;
    tx.onerror = failed;
  });
}
