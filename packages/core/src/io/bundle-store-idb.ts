/** Bundles in IndexedDB under `indexeddb://<name>`: save, load, list and delete saved classifiers. */
import { StorageError } from '../errors.ts';
import { checkBundle, checkManifest } from '../bundle/validate.ts';
import { isObject } from '../util/is-object.ts';
import type { ClassifierBundle, ClassifierManifest, LazyClassifierBundle } from '../bundle/types.ts';
import { idbRequest as req, idbTransactionDone, openIdbStore } from './idb.ts';
import type { BundleStore } from './types.ts';

/** The database and object store of saved classifiers (one record per name). */
export const BUNDLE_DB = 'browser-bert-classifiers';
export const BUNDLE_STORE = 'bundles';
export const IDB_SCHEME = 'indexeddb://';

/**
 * Files from this size up (the encoder's weights, a large head; not vocab.txt) are stored as Blobs. Chromium reads a record's bytes
 * through one slow path (≈ 120 ms for a 17.5 MB bert-tiny record, most of it before the success event); a record
 * that holds Blobs comes back at once and each Blob is then read with arrayBuffer(), ≈ 2× faster in all
 * (bench/FINDINGS.md F11) — or read by whoever needs it (the runtime's kernel workers read the weights themselves:
 * readIdbBundleLazily) — and listing the saved classifiers reads no weights. Records saved with plain bytes (earlier
 * versions) read as before.
 */
const BLOB_FROM = 1024 * 1024;

interface Record_ {
  readonly manifest: ClassifierManifest;
  readonly files: Record<string, Uint8Array | Blob>;
  readonly savedAt: string;
  readonly size: number;
}

export interface SavedClassifierInfo {
  readonly name: string;
  /** `indexeddb://<name>`, for loadClassifier. */
  readonly url: string;
  readonly labels: string[];
  readonly encoderSource: string;
  readonly randomInit: boolean;
  readonly fineTuned: boolean;
  readonly createdAt: string;
  readonly savedAt: string;
  /** Bytes of all files. */
  readonly size: number;
}

async function store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
  const db = await openIdbStore(BUNDLE_DB, BUNDLE_STORE, 'save to a folder or download a zip instead');
  return db.transaction(BUNDLE_STORE, mode).objectStore(BUNDLE_STORE);
}

function nameOf(target: string): string {
  const name = target.startsWith(IDB_SCHEME) ? target.slice(IDB_SCHEME.length) : target;
  if (name.trim() === '') throw new StorageError(`"${target}" names no classifier`, 'use indexeddb://<name>');
  return name;
}

export const idbStore: BundleStore = {
  name: 'indexeddb',
  matches: (t) => t.startsWith(IDB_SCHEME),
  async read(target) {
    const lazy = await readIdbBundleLazily(target);
    return checkBundle(
      { manifest: lazy.manifest, files: await readBlobFiles(lazy.files, `indexeddb://${nameOf(target)}`) },
      `indexeddb://${nameOf(target)}`,
    );
  },
  /**
   * One readwrite transaction holds the whole save (manifest and files are one record): it commits completely or
   * not at all, so a failure (quota, a closed database) leaves the classifier saved under that name before.
   */
  async write(target, bundle: ClassifierBundle) {
    const name = nameOf(target);
    const size = Object.values(bundle.files).reduce((a, f) => a + f.byteLength, 0);
    const rec: Record_ = {
      manifest: bundle.manifest,
      files: Object.fromEntries(
        Object.entries(bundle.files).map(([f, b]) => [f, b.byteLength >= BLOB_FROM ? asBlob(b) : b]),
      ),
      savedAt: new Date().toISOString(),
      size,
    };
    const db = await openIdbStore(BUNDLE_DB, BUNDLE_STORE, 'save to a folder or download a zip instead');
    try {
      const tx = db.transaction(BUNDLE_STORE, 'readwrite');
      const done = idbTransactionDone(tx);
      done.catch(() => undefined); // observed below; an abort during put() must not surface as unhandled
      try {
        tx.objectStore(BUNDLE_STORE).put(rec, name);
      } catch (e) {
        tx.abort();
        throw e;
      }
      await done;
    } catch (e) {
      throw await saveError(name, size + JSON.stringify(bundle.manifest).length, e);
    }
  },
};

/** Bytes as a Blob (a Blob cannot be made from shared memory: such bytes are copied first). */
const asBlob = (b: Uint8Array): Blob =>
  new Blob([b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : b.slice()]);

/**
 * The saved classifier `indexeddb://name` with its large files still Blobs (see BLOB_FROM), its manifest checked and
 * every listed file there: for a reader that reads the Blobs where it needs them (the runtime's workers).
 */
export async function readIdbBundleLazily(target: string): Promise<LazyClassifierBundle> {
  const name = nameOf(target);
  let rec: Record_ | undefined;
  try {
    rec = (await req((await store('readonly')).get(name))) as Record_ | undefined;
  } catch (e) {
    throw new StorageError(`Could not read "${name}" from IndexedDB (${(e as Error).message})`, '', { cause: e });
  }
  if (!rec)
    throw new StorageError(`No saved classifier named "${name}"`, 'listSavedClassifiers() shows the saved ones');
  const where = `indexeddb://${name}`;
  const files: object = isObject(rec.files) ? rec.files : {};
  const missing = checkManifest(rec.manifest, where).filter((f) => {
    const file = Object.hasOwn(files, f) ? rec.files[f] : undefined;
    return !(file instanceof Uint8Array || file instanceof Blob);
  });
  if (missing.length > 0)
    throw new StorageError(`${where} is missing ${missing.join(', ')}`, 'save the classifier again');
  return { manifest: rec.manifest, files: rec.files };
}

/**
 * A lazy bundle's files as bytes: its Blobs read at once (in parallel), its bytes as they are; `except`: a file left
 * out. `where`: the saved classifier, for the error.
 */
export async function readBlobFiles(
  files: LazyClassifierBundle['files'],
  where: string,
  except?: string,
): Promise<Record<string, Uint8Array>> {
  const entries = Object.entries(files).filter(([f]) => f !== except);
  try {
    const bytes = await Promise.all(
      entries.map(async ([, f]) => (f instanceof Blob ? new Uint8Array(await f.arrayBuffer()) : f)),
    );
    return Object.fromEntries(entries.map(([f], i) => [f, bytes[i]!]));
  } catch (e) {
    throw new StorageError(
      `Could not read the files of ${where} (${(e as Error).message})`,
      'the browser lost them (storage cleared or damaged): save the classifier again, or load it from a zip',
      { cause: e },
    );
  }
}

/** Why a save failed, as a StorageError; a quota error says how many bytes the save needed and how to free them. */
async function saveError(name: string, needed: number, e: unknown): Promise<StorageError> {
  const keep = `the classifier saved as "${name}" before, if any, is unchanged`;
  if (e instanceof DOMException && e.name === 'QuotaExceededError') {
    const est = await storageEstimate();
    const usage = est ? `; this site uses ${est.usage} of its ${est.quota} bytes` : '';
    return new StorageError(
      `Not enough browser storage to save "${name}" (${needed} bytes needed${usage})`,
      `free space: delete saved classifiers you no longer need (deleteSavedClassifier) or cached models (removeCachedModel), or download the classifier as a zip instead; ${keep}`,
      { cause: e },
    );
  }
  return new StorageError(
    `Could not save "${name}" to IndexedDB (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)})`,
    `download the classifier as a zip instead; ${keep}`,
    { cause: e },
  );
}

/** navigator.storage.estimate() when the page has it (usage and quota in bytes), else undefined. */
async function storageEstimate(): Promise<{ usage: number; quota: number } | undefined> {
  try {
    const nav = (globalThis as { navigator?: { storage?: { estimate?(): Promise<StorageEstimate> } } }).navigator;
    const est = await nav?.storage?.estimate?.();
    if (est && typeof est.usage === 'number' && typeof est.quota === 'number')
      return { usage: est.usage, quota: est.quota };
  } catch {
    // not available (insecure context, Node)
  }
  return undefined;
}

export async function listSavedClassifiers(): Promise<SavedClassifierInfo[]> {
  const s = await store('readonly');
  const [keys, recs] = await Promise.all([req(s.getAllKeys()), req(s.getAll())]);
  return (recs as Record_[]).map((r, i) => {
    const name = String(keys[i]);
    return {
      name,
      url: IDB_SCHEME + name,
      labels: r.manifest.labels,
      encoderSource: r.manifest.encoder.source,
      randomInit: r.manifest.encoder.random_init,
      fineTuned: r.manifest.encoder.fine_tuned,
      createdAt: r.manifest.created_at,
      savedAt: r.savedAt,
      size: r.size,
    };
  });
}

/** Resolves true when a classifier was removed. */
export async function deleteSavedClassifier(target: string): Promise<boolean> {
  const name = nameOf(target);
  const s = await store('readwrite');
  const exists = (await req(s.count(name))) > 0;
  if (exists) await req((await store('readwrite')).delete(name));
  return exists;
}
