/** Small HF-layout checkpoints for the hub/load tests (random-init; bert-tiny's layout with hidden 32, 2,000 words). */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedModel } from '../src/model/types';
import { makeBertCheckpoint } from './fixtures';

export const SMALL_SHAPE = { hidden: 32, layers: 2, heads: 2, intermediate: 64, vocab: 2000 };

export type LoadFixture = 'st' | 'bin' | 'sharded' | 'st-model' | 'plain';

/**
 * Writes the named checkpoints under `root` (same seed, so their weights are equal): st (safetensors), bin
 * (pytorch_model.bin only), sharded (2 safetensors shards + index), st-model (safetensors + sentence-transformers
 * modules.json with CLS pooling and Normalize), plain (bin without the random-init marker in config.json).
 */
export async function makeLoadFixtures(
  root: string,
  names: readonly LoadFixture[],
): Promise<Record<LoadFixture, string>> {
  const dirs = {} as Record<LoadFixture, string>;
  const formats = {
    st: ['safetensors'],
    bin: ['bin'],
    sharded: ['safetensors-sharded'],
    'st-model': ['safetensors'],
    plain: ['bin'],
  } as const;
  for (const name of names) {
    const dir = (dirs[name] = path.join(root, name));
    await makeBertCheckpoint(dir, { shape: SMALL_SHAPE, formats: formats[name], seed: 7 });
    if (name === 'plain') {
      const cfg = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      delete cfg.browser_bert_fixture;
      await writeFile(path.join(dir, 'config.json'), JSON.stringify(cfg));
    }
    if (name === 'st-model') {
      await writeFile(
        path.join(dir, 'modules.json'),
        JSON.stringify([
          { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
          { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
          { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
        ]),
      );
      await mkdir(path.join(dir, '1_Pooling'));
      await writeFile(
        path.join(dir, '1_Pooling', 'config.json'),
        JSON.stringify({ word_embedding_dimension: 32, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }),
      );
    }
  }
  return dirs;
}

/** Runs `f` on a loaded model and disposes it whatever happens. */
export async function withModel<T>(p: Promise<LoadedModel>, f: (m: LoadedModel) => T | Promise<T>): Promise<T> {
  const m = await p;
  try {
    return await f(m);
  } finally {
    m.dispose();
  }
}

/** The encoder's weights as plain arrays, by canonical name. */
export function weightsOf(m: LoadedModel): Map<string, Float32Array> {
  return new Map([...m.encoder.variables].map(([k, v]) => [k, v.dataSync() as Float32Array]));
}
