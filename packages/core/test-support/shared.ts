/**
 * Access to ../shared (data that is never copied into the repo). Tests that need it call `sharedOrSkip`
 * and skip with a clear message when it is absent.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const sharedRoot = process.env.BROWSER_BERT_SHARED ?? path.resolve(repoRoot, '../shared');

/** Absolute path of a file under ../shared, or undefined when it is not there. */
export function sharedPath(rel: string): string | undefined {
  const p = path.join(sharedRoot, rel);
  return existsSync(p) ? p : undefined;
}

/** For node:test's `skip` option: a message when the shared file is absent, false when present. */
export function skipUnlessShared(rel: string): string | false {
  return sharedPath(rel)
    ? false
    : `needs ${path.join(sharedRoot, rel)} (the shared data folder beside the repo); not found`;
}
