/**
 * Generates the built-in demo encoder at build/start time (nothing is downloaded): a RANDOM-INIT bert-tiny-shaped
 * checkpoint (2 layers, 128 hidden, 2 heads) in exact HF layout — config.json, vocab.txt, tokenizer_config.json,
 * model.safetensors — marked random-init like the test fixtures, into public/models/demo-bert-tiny/. It lets the
 * whole flow run offline as a pipeline check; its scores mean nothing. The vocabulary is generated too: the special
 * tokens, single characters and their "##" continuations (any text tokenizes), then the most frequent words of the
 * built-in e-mails. Skips the work when the files are newer than this script.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureConfig, makeBertTensors } from '../../../packages/core/test-support/fixtures';
import { writeSafetensors } from '../../../packages/core/src/weights/safetensors';
import { RANDOM_INIT_VALUE } from '../../../packages/core/src/vocabulary';
import { BUILTIN_PATH, buildBuiltinData } from './build-data';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEMO_MODEL_DIR = path.resolve(here, '../public/models/demo-bert-tiny');
/** The files the app fetches (same origin), in HF layout. */
export const DEMO_MODEL_FILES = ['config.json', 'vocab.txt', 'tokenizer_config.json', 'model.safetensors'] as const;
const WORDS = 4000;
const SEED = 2026;

/** Specials, characters, "##" characters, then the most frequent lowercase words of `texts` (ties by first seen). */
export function demoVocab(texts: readonly string[]): string[] {
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const chars = [...'abcdefghijklmnopqrstuvwxyz0123456789', ...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
  const counts = new Map<string, number>();
  for (const t of texts)
    for (const w of t.toLowerCase().match(/[a-z]{2,20}/g) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  const words = [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, WORDS)
    .map(([w]) => w);
  return [...specials, ...chars, ...chars.filter((c) => /[a-z0-9]/.test(c)).map((c) => `##${c}`), ...words];
}

export async function buildDemoModel(out = DEMO_MODEL_DIR, force = false): Promise<string> {
  if (!force) {
    try {
      const [a, b] = await Promise.all([
        stat(path.join(out, 'model.safetensors')),
        stat(fileURLToPath(import.meta.url)),
      ]);
      if (a.mtimeMs > b.mtimeMs) return out;
    } catch {
      /* not built yet */
    }
  }
  await buildBuiltinData();
  const texts = (await readFile(BUILTIN_PATH, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text);
  const vocab = demoVocab(texts);
  const options = {
    shape: { hidden: 128, layers: 2, heads: 2, intermediate: 512, vocab: vocab.length, maxPositions: 512 },
    seed: SEED,
  } as const;
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'config.json'), JSON.stringify(fixtureConfig(options), null, 2) + '\n');
  await writeFile(path.join(out, 'vocab.txt'), vocab.join('\n') + '\n');
  await writeFile(
    path.join(out, 'tokenizer_config.json'),
    JSON.stringify({ do_lower_case: true, model_max_length: 512 }, null, 2) + '\n',
  );
  await writeFile(
    path.join(out, 'model.safetensors'),
    writeSafetensors(makeBertTensors(options), { format: 'pt', browser_bert_fixture: RANDOM_INIT_VALUE }),
  );
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const out = await buildDemoModel(undefined, process.argv.includes('--force'));
  const { size } = await stat(path.join(out, 'model.safetensors'));
  console.error(
    `demo encoder (random-init): ${path.relative(process.cwd(), out)} (${(size / 1e6).toFixed(1)} MB, ${Date.now() - t0} ms)`,
  );
}
