// Puts the benchmark classifier into IndexedDB (as the app and the library save it), read from the served folder.
import { writeBundle } from '../../../packages/core/src/io/bundle-store';
import { readBundleFrom } from '../../../packages/core/src/io/bundle-source';
import { fail, finish, param } from './shared';

try {
  await writeBundle(`indexeddb://${param('name')}`, await readBundleFrom(`${location.origin}/clf/`));
  finish({ ok: true });
} catch (e) {
  fail(e);
}
