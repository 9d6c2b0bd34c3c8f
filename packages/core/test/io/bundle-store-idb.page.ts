// Page script for bundle-store-idb.browser.test.ts (bundled by esbuild; runs in Chromium with the origin's quota set
// to 1 MiB): reads the classifier served at ./clf/ (the URL store, through the download watchdog), saves it to
// IndexedDB, then tries to save a 4 MiB bigger one under the same name, and reports the error and what is stored.
import { idbStore } from '../../src/io/bundle-store-idb';
import { urlStore } from '../../src/io/bundle-store-url';

const g = globalThis as unknown as { __done?: unknown; __result?: unknown };
try {
  const a = await urlStore.read('./clf/', { stallTimeoutMs: 10_000 });
  await idbStore.write!('indexeddb://q', a);
  const pad = new Uint8Array(4 << 20);
  for (let i = 0; i < pad.length; i += 65536) crypto.getRandomValues(pad.subarray(i, i + 65536)); // incompressible
  const b = { manifest: { ...a.manifest, created_at: '2001-02-03T04:05:06.000Z' }, files: { ...a.files, pad } };
  let error: { name: string; message: string } | undefined;
  try {
    await idbStore.write!('indexeddb://q', b);
  } catch (e) {
    error = { name: (e as Error).name, message: (e as Error).message };
  }
  const back = await idbStore.read('indexeddb://q');
  g.__result = {
    error,
    needed: Object.values(b.files).reduce((s, f) => s + f.byteLength, 0) + JSON.stringify(b.manifest).length,
    stored: back.manifest.created_at,
    previous: a.manifest.created_at,
  };
  g.__done = true;
} catch (e) {
  g.__done = String((e as Error).stack ?? e);
}
