// Chromium: the runtime in the page's main thread (URL and IndexedDB bundles) and in a module Web Worker.
import { loadClassifier } from '../src/index';
import { writeBundle } from '../../core/src/io/bundle-store';
import { readBundleFrom } from '../../core/src/io/bundle-source';

const TEXTS: string[] = await (await fetch('/texts.json')).json();
const out: Record<string, unknown> = {};

async function scores(source: string, options: Parameters<typeof loadClassifier>[1] = {}): Promise<number[]> {
  const clf = await loadClassifier(source, options);
  try {
    return Array.from(await clf.predictProba(TEXTS));
  } finally {
    clf.dispose();
  }
}

try {
  const encoder = `${location.origin}/model/`;
  out.frozenUrl = await scores(`${location.origin}/clf/frozen/`, { encoder });
  out.tunedUrl = await scores(`${location.origin}/clf/tuned/`);
  // IndexedDB: the bundle saved there (as the app and the library save it), loaded back by name
  await writeBundle('indexeddb://tuned', await readBundleFrom(`${location.origin}/clf/tuned/`));
  out.tunedIdb = await scores('indexeddb://tuned');
  // a bad source: one clear error, and the page still classifies afterwards
  try {
    await loadClassifier(`${location.origin}/clf/missing/`);
    out.missing = 'no error';
  } catch (e) {
    out.missing = { name: (e as Error).name, code: (e as { code?: string }).code, message: (e as Error).message };
  }
  out.afterError = await scores('indexeddb://tuned');
  // the same in a module worker
  out.worker = await new Promise((resolve, reject) => {
    const w = new Worker('./worker.js', { type: 'module' });
    w.onmessage = (e: MessageEvent) => resolve(e.data);
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage({ source: `${location.origin}/clf/tuned/`, texts: TEXTS });
  });
  (globalThis as Record<string, unknown>).__result = out;
  (globalThis as Record<string, unknown>).__done = true;
} catch (e) {
  (globalThis as Record<string, unknown>).__done = String((e as Error).stack ?? e);
}
