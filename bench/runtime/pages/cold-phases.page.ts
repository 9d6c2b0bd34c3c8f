// The runtime's steps timed apart, on a bundle object: reading the whole bundle from IndexedDB, loadClassifier on the
// object (its weights converted and packed on the page, as for URL, zip and folder bundles — `indexeddb://` itself
// leaves them to a worker), the first prediction.
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
