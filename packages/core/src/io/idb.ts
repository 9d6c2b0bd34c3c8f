/** The IndexedDB plumbing the IndexedDB stores share: one object store per database, requests as promises. */
import { StorageError } from '../errors.ts';

export function idbRequest<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * One connection per database, shared by every operation of this realm (a page or a worker). It is closed and
 * forgotten when another connection asks for a version change or deletes the database (which the open connection
 * would otherwise block) and when the browser closes it; the next operation opens a new one.
 */
const connections = new Map<string, Promise<IDBDatabase>>();

/** Opens (creating on first use) database `db` with the single object store `store`. `hint`: what to use instead. */
export function openIdbStore(db: string, store: string, hint: string): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined')
    return Promise.reject(new StorageError('IndexedDB is not available here', hint));
  const known = connections.get(db);
  if (known) return known;
  const open = indexedDB.open(db, 1);
  open.onupgradeneeded = () => {
    if (!open.result.objectStoreNames.contains(store)) open.result.createObjectStore(store);
  };
  const opened = idbRequest(open).then(
    (connection) => {
      const forget = () => {
        if (connections.get(db) === opened) connections.delete(db);
      };
      connection.onversionchange = () => {
        forget();
        connection.close();
      };
      connection.onclose = forget;
      return connection;
    },
    (e: unknown) => {
      connections.delete(db); // a failed open is not kept: the next operation tries again
      throw e;
    },
  );
  connections.set(db, opened);
  return opened;
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
