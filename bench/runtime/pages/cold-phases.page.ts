// Where the runtime's cold start goes: the same steps as cold-runtime.page.ts, timed apart — reading the bundle from
// IndexedDB, loadClassifier on the bundle object (weights to the workers, tokenizer, head), the first prediction.
import { loadClassifier } from '@browser-bert/classify';
import { readBundleFrom } from '@browser-bert/core';
import { fail, finish, param } from './shared';

try {
  const t0 = performance.now();
  const bundle = await readBundleFrom(`indexeddb://${param('name')}`);
  const t1 = performance.now();
  const clf = await loadClassifier(bundle);
  const t2 = performance.now();
  await clf.predictProba([param('text')]);
  const t3 = performance.now();
  finish({ page: t0, idb: t1 - t0, assemble: t2 - t1, first: t3 - t2 });
  clf.dispose();
} catch (e) {
  fail(e);
}
