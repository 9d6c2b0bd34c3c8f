/** Bundles in IndexedDB under `indexeddb://<name>`: save, load, list and delete saved classifiers. */
import { StorageError } from '../errors.ts';
import { checkBundle } from '../bundle/validate.ts';
import type { ClassifierBundle, ClassifierManifest } from '../bundle/types.ts';
import { idbRequest as req, openIdbStore } from './idb.ts';
import type { BundleStore } from './types.ts';

const DB = 'browser-bert-classifiers';
const STORE = 'bundles';
export const IDB_SCHEME = 'indexeddb://';

interface Record_ {
  readonly manifest: ClassifierManifest;
  readonly files: Record<string, Uint8Array>;
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
  const db = await openIdbStore(DB, STORE, 'save to a folder or download a zip instead');
  return db.transaction(STORE, mode).objectStore(STORE);
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
    const name = nameOf(target);
    let rec: Record_ | undefined;
    try {
      rec = (await req((await store('readonly')).get(name))) as Record_ | undefined;
    } catch (e) {
      throw new StorageError(`Could not read "${name}" from IndexedDB (${(e as Error).message})`, '', { cause: e });
    }
    if (!rec)
      throw new StorageError(`No saved classifier named "${name}"`, 'listSavedClassifiers() shows the saved ones');
    return checkBundle({ manifest: rec.manifest, files: rec.files }, `indexeddb://${name}`);
  },
  async write(target, bundle: ClassifierBundle) {
    const name = nameOf(target);
    const size = Object.values(bundle.files).reduce((a, f) => a + f.byteLength, 0);
    const rec: Record_ = {
      manifest: bundle.manifest,
      files: { ...bundle.files },
      savedAt: new Date().toISOString(),
      size,
    };
    try {
      await req((await store('readwrite')).put(rec, name));
    } catch (e) {
      throw new StorageError(
        `Could not save "${name}" to IndexedDB (${(e as Error).message})`,
        'free some browser storage or download the classifier as a zip',
        { cause: e },
      );
    }
  },
};

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
