/** The --data file of commands that read a dataset (train, eval). */
import { readFile } from 'node:fs/promises';
import { UsageError } from '@browser-bert/core';

export async function readDataFile(file: string | undefined): Promise<Uint8Array> {
  if (!file) throw new UsageError('--data is required', 'pass a CSV, TSV or JSONL file with a text and a label column');
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    throw new UsageError(
      `cannot read --data ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      'check the path',
    );
  }
}
