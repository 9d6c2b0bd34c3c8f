// Puts the benchmark classifier into IndexedDB (as the app and the library save it), read from the served folder.
import { readBundleFrom, writeBundle } from '@browser-bert/core';
import { fail, finish, param } from './shared';

try {
  await writeBundle(`indexeddb://${param('name')}`, await readBundleFrom(`${location.origin}/clf/`));
  finish({ ok: true });
} catch (e) {
  fail(e);
}
