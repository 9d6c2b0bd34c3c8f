/**
 * Issue 14, IndexedDB saves (fake-indexeddb): a save is one transaction — a put that fails after writing (injected)
 * leaves the classifier saved before under that name — and a quota error is a StorageError giving the bytes the save
 * needed and, when navigator.storage.estimate() answers, the site's usage and quota.
 */
import 'fake-indexeddb/auto';
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StorageError } from '../../src/errors';
import { initNodeBackend } from '../../src/node';
import { idbStore, listSavedClassifiers } from '../../src/io/bundle-store-idb';
import type { ClassifierBundle } from '../../src/bundle/types';
import { putRawRecord, readRawRecord } from '../../test-support/idb-records';
import { makeTinyClassifier, type TinyClassifier } from '../../test-support/tiny-classifier';

let tmp = '';
let tiny: TinyClassifier;
let B: ClassifierBundle;
const realPut = IDBObjectStore.prototype.put;
const nav = Object.getOwnPropertyDescriptor(globalThis, 'navigator');

before(async () => {
  await initNodeBackend('wasm');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-idb-'));
  tiny = await makeTinyClassifier(tmp);
  B = { manifest: { ...tiny.bundle.manifest, created_at: '2001-02-03T04:05:06.000Z' }, files: tiny.bundle.files };
});
afterEach(() => {
  IDBObjectStore.prototype.put = realPut;
  if (nav) Object.defineProperty(globalThis, 'navigator', nav);
  else delete (globalThis as { navigator?: unknown }).navigator;
});
after(async () => {
  tiny?.model.dispose();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Makes put() write its record and then fail with `error`, as a quota error found while writing would. */
function failPutAfterWriting(error: unknown): void {
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    realPut.apply(this, args);
    throw error;
  };
}

const bytesOf = (b: ClassifierBundle) =>
  Object.values(b.files).reduce((a, f) => a + f.byteLength, 0) + JSON.stringify(b.manifest).length;

test('a put that fails after writing: the save rolls back, the previous classifier is still there', async () => {
  await idbStore.write!('indexeddb://kept', tiny.bundle);
  failPutAfterWriting(new DOMException('disk I/O failed', 'UnknownError'));
  await assert.rejects(idbStore.write!('indexeddb://kept', B), (e: unknown) => {
    assert.ok(e instanceof StorageError, String(e));
    assert.match(e.message, /^Could not save "kept" to IndexedDB \(UnknownError: disk I\/O failed\)/);
    assert.match(e.hint, /is unchanged/);
    return true;
  });
  IDBObjectStore.prototype.put = realPut;
  const back = await idbStore.read('indexeddb://kept');
  assert.equal(back.manifest.created_at, tiny.bundle.manifest.created_at, 'the previous save, not the failed one');
  assert.deepEqual(Object.keys(back.files).sort(), Object.keys(tiny.bundle.files).sort());
});

test('a failed first save leaves nothing under that name', async () => {
  failPutAfterWriting(new DOMException('quota', 'QuotaExceededError'));
  await assert.rejects(idbStore.write!('indexeddb://never', B), StorageError);
  IDBObjectStore.prototype.put = realPut;
  assert.ok(!(await listSavedClassifiers()).some((c) => c.name === 'never'));
});

test('QuotaExceededError: bytes needed, the site usage/quota from navigator.storage.estimate(), how to free space', async () => {
  Object.defineProperty(globalThis, 'navigator', {
    value: { storage: { estimate: async () => ({ usage: 52_428_000, quota: 52_428_800 }) } },
    configurable: true,
  });
  failPutAfterWriting(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
  await assert.rejects(idbStore.write!('indexeddb://big', B), (e: unknown) => {
    assert.ok(e instanceof StorageError, String(e));
    assert.equal(
      e.message.split(' — ')[0],
      `Not enough browser storage to save "big" (${bytesOf(B)} bytes needed; this site uses 52428000 of its 52428800 bytes)`,
    );
    assert.match(e.hint, /deleteSavedClassifier.*removeCachedModel.*zip/);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
});

test('QuotaExceededError without navigator.storage: the bytes needed alone', async () => {
  Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
  failPutAfterWriting(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
  await assert.rejects(idbStore.write!('indexeddb://big2', B), (e: unknown) => {
    assert.ok(e instanceof StorageError);
    assert.match(
      e.message,
      new RegExp(`^Not enough browser storage to save "big2" \\(${bytesOf(B)} bytes needed\\) — `),
    );
    return true;
  });
});

test('one IndexedDB connection for every operation; deleting the database is not blocked by it, and saves go on', async () => {
  const realOpen = indexedDB.open.bind(indexedDB);
  let opens = 0;
  indexedDB.open = (...args: Parameters<IDBFactory['open']>) => (opens++, realOpen(...args));
  try {
    await idbStore.write!('indexeddb://one', tiny.bundle);
    await idbStore.read('indexeddb://one');
    await listSavedClassifiers();
    assert.ok(opens <= 1, `${opens} connections opened for three operations`);
    // Another tab clearing the site's data: the open connection closes itself instead of blocking the deletion.
    const deletion = indexedDB.deleteDatabase('browser-bert-classifiers');
    await new Promise<void>((resolve, reject) => {
      deletion.onsuccess = () => resolve();
      deletion.onerror = () => reject(deletion.error);
      deletion.onblocked = () => reject(new Error('the deletion was blocked by an open connection'));
    });
    await assert.rejects(idbStore.read('indexeddb://one'), /No saved classifier named "one"/);
    await idbStore.write!('indexeddb://one', tiny.bundle);
    assert.equal((await idbStore.read('indexeddb://one')).manifest.created_at, tiny.bundle.manifest.created_at);
  } finally {
    indexedDB.open = realOpen;
  }
});

/** The tiny classifier with one more file of 1.5 MB (its own files are all under 1 MiB). */
const withLargeFile = (): ClassifierBundle => ({
  manifest: tiny.bundle.manifest,
  files: { ...tiny.bundle.files, 'large.bin': Uint8Array.from({ length: 1_500_000 }, (_, i) => (i * 7) % 251) },
});

test('large files are stored as Blobs, small ones as bytes, and read back byte for byte', async () => {
  const bundle = withLargeFile();
  await idbStore.write!('indexeddb://blobs', bundle);
  const rec = await readRawRecord('blobs');
  let blobs = 0;
  for (const [f, bytes] of Object.entries(bundle.files)) {
    const stored = rec.files[f];
    if (bytes.byteLength >= 1024 * 1024) {
      assert.ok(stored instanceof Blob, `${f} (${bytes.byteLength} bytes) stored as a Blob`);
      blobs++;
    } else assert.ok(stored instanceof Uint8Array, `${f} (${bytes.byteLength} bytes) stored as bytes`);
  }
  assert.equal(blobs, 1);
  const back = await idbStore.read('indexeddb://blobs');
  for (const [f, bytes] of Object.entries(bundle.files)) assert.deepEqual(back.files[f], bytes, f);
});

test('a record saved with plain bytes (earlier versions) still reads', async () => {
  await idbStore.write!('indexeddb://old', tiny.bundle);
  const rec = await readRawRecord('old');
  await putRawRecord('old', { ...rec, files: { ...tiny.bundle.files } });
  assert.ok(Object.values((await readRawRecord('old')).files).every((f) => f instanceof Uint8Array));
  const back = await idbStore.read('indexeddb://old');
  for (const [f, bytes] of Object.entries(tiny.bundle.files)) assert.deepEqual(back.files[f], bytes, f);
});

test('a stored Blob that can no longer be read: one StorageError naming the classifier and what to do', async () => {
  await idbStore.write!('indexeddb://lost', withLargeFile());
  const realRead = Blob.prototype.arrayBuffer;
  Blob.prototype.arrayBuffer = () => Promise.reject(new DOMException('the file is gone', 'NotReadableError'));
  try {
    await assert.rejects(idbStore.read('indexeddb://lost'), (e: unknown) => {
      assert.ok(e instanceof StorageError, String(e));
      assert.match(e.message, /^Could not read the files of indexeddb:\/\/lost \(the file is gone\)/);
      assert.match(e.hint, /save the classifier again/);
      return true;
    });
  } finally {
    Blob.prototype.arrayBuffer = realRead;
  }
});
