/**
 * Test helper (Node): a real classifier bundle saved by the project's own writers, fast to make (~1 s): a random-init
 * checkpoint of hub-fixtures' SMALL_SHAPE, a head trained for 2 epochs on 40 synthetic rows, saved to `dir/clf`.
 * Its metrics mean nothing (random-init encoder: pipeline check); it exists to be loaded, damaged and fuzzed.
 */
import path from 'node:path';
import { parseDataset } from '../src/data';
import type { LoadedModel } from '../src/model/types';
import { loadNode } from '../src/node';
import type { ClassifierBundle } from '../src/bundle/types';
import { trainClassifier } from '../src/train/pipeline';
import { makeBertCheckpoint } from './fixtures';
import { SMALL_SHAPE } from './hub-fixtures';

export interface TinyClassifier {
  readonly modelDir: string;
  /** The saved classifier folder. */
  readonly clfDir: string;
  readonly model: LoadedModel;
  readonly bundle: ClassifierBundle;
}

/** Needs initNodeBackend() first. Dispose `model` when done. */
export async function makeTinyClassifier(dir: string): Promise<TinyClassifier> {
  const modelDir = path.join(dir, 'model');
  await makeBertCheckpoint(modelDir, { shape: SMALL_SHAPE, seed: 3 });
  const model = await loadNode(modelDir);
  const rows: string[] = [];
  for (let i = 0; i < 40; i++)
    rows.push(`${i % 2 ? 'spam' : 'ham'}\t${i % 2 ? 'win money now' : 'see you at lunch'} ${i}`);
  const { classifier } = await trainClassifier({
    model,
    dataset: parseDataset(rows.join('\n')),
    options: { seed: 1, epochs: 2 },
  });
  const clfDir = path.join(dir, 'clf');
  try {
    await classifier.save(clfDir);
    return { modelDir, clfDir, model, bundle: await classifier.toBundle() };
  } finally {
    classifier.dispose();
  }
}
