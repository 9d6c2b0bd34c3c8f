/**
 * The labelling session in IndexedDB (idb-keyval, one small store of its own). Two records: the pool's texts,
 * written once when a session starts, and the session's state (labels, skips, history, typed examples with their
 * features, the curve), rewritten after every change — so a change costs a few KB, not the whole pool.
 */
import { createStore, del, get, setMany, set, type UseStore } from 'idb-keyval';
import { DataError, StorageError, type LabellingState } from './core';

export interface StoredMeta {
  readonly name: string;
  readonly modelSource: string;
  readonly randomInit: boolean;
  readonly savedAt: string;
  /** Ties the session record to its pool record. */
  readonly poolId: string;
}

/** The session's state with only the typed texts (texts[poolSize…]); the pool's are in the pool record. */
export interface StoredSession {
  readonly meta: StoredMeta;
  readonly state: LabellingState;
}

interface StoredPool {
  readonly poolId: string;
  readonly texts: string[];
}

let store: UseStore | undefined;
const db = () => (store ??= createStore('browser-bert-labelling', 'session'));

const guard = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
  if (typeof indexedDB === 'undefined') {
    throw new StorageError('IndexedDB is not available here', 'export the labels (CSV/JSONL) to keep them');
  }
  try {
    return await f();
  } catch (e) {
    throw new StorageError(
      `The labels could not be ${what} (${e instanceof Error ? e.message : String(e)})`,
      'free some disk space or export the labels (CSV/JSONL) to keep them',
      { cause: e },
    );
  }
};

/** The state with the pool's texts left out (they are stored once). */
function compact(state: LabellingState): LabellingState {
  return { ...state, texts: state.texts.slice(state.poolSize) };
}

export function writePool(poolId: string, texts: readonly string[], session: StoredSession): Promise<void> {
  return guard('stored', () =>
    setMany(
      [
        ['pool', { poolId, texts: [...texts] } satisfies StoredPool],
        ['session', { meta: session.meta, state: compact(session.state) } satisfies StoredSession],
      ],
      db(),
    ),
  );
}

export function writeSession(session: StoredSession): Promise<void> {
  return guard('stored', () => set('session', { meta: session.meta, state: compact(session.state) }, db()));
}

/** The stored session with its full text list, or undefined when there is none. */
export async function readSession(): Promise<StoredSession | undefined> {
  const [session, pool] = await guard('read', async () => [
    (await get<StoredSession>('session', db())) ?? undefined,
    (await get<StoredPool>('pool', db())) ?? undefined,
  ]);
  if (!session) return undefined;
  if (!pool || pool.poolId !== session.meta.poolId || pool.texts.length !== session.state.poolSize) {
    throw new DataError(
      'The stored labelling session is damaged (its texts are missing)',
      'start a new session, or load an exported CSV/JSONL of the labels',
    );
  }
  return { meta: session.meta, state: { ...session.state, texts: [...pool.texts, ...session.state.texts] } };
}

export function clearSession(): Promise<void> {
  return guard('deleted', async () => {
    await del('session', db());
    await del('pool', db());
  });
}
