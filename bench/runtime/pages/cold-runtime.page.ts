// Cold start of the runtime: a fresh page, the classifier already in IndexedDB → first prediction.
// performance.now() counts from the navigation's start, so `sinceNavigation` includes fetching and compiling the page's JS.
import { loadClassifier } from '@browser-bert/classify';
import { fail, finish, param } from './shared';

try {
  const t0 = performance.now();
  const clf = await loadClassifier(`indexeddb://${param('name')}`);
  const probs = await clf.predictProba([param('text')]);
  const t1 = performance.now();
  finish({ sinceNavigation: t1, sinceLoad: t1 - t0, threads: clf.threads, first: Array.from(probs) });
  clf.dispose();
} catch (e) {
  fail(e);
}
