// Cold start of the full library (TF.js + the kernel) in the same conditions as cold-runtime.page.ts.
import { loadClassifier, useBackend } from '@browser-bert/core';
import { fail, finish, param } from './shared';

try {
  const t0 = performance.now();
  await useBackend('wasm', { wasmPaths: new URL('./wasm/', location.href).href });
  const clf = await loadClassifier(`indexeddb://${param('name')}`);
  const probs = await clf.predictProba([param('text')]);
  const t1 = performance.now();
  finish({ sinceNavigation: t1, sinceLoad: t1 - t0, first: Array.from(probs) });
  clf.dispose();
} catch (e) {
  fail(e);
}
