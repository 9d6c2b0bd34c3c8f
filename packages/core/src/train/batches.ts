/**
 * Training batches with dynamic padding: each epoch the rows are shuffled (seeded), cut into pools of
 * `poolBatches` batches, each pool sorted by token length and cut into batches (little padding), and the batch
 * order shuffled again — so batches are length-homogeneous but their order and content vary per epoch.
 */
import type { Encoding } from '../tokenizer/types.ts';
import type { Rng } from '../util/random.ts';

export function bucketedBatches(
  rows: readonly number[],
  encodings: readonly Encoding[],
  batchSize: number,
  rng: Rng,
  poolBatches = 32,
): number[][] {
  const order = rng.shuffle([...rows]);
  const poolSize = batchSize * poolBatches;
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += poolSize) {
    const pool = order.slice(start, start + poolSize);
    pool.sort((a, b) => encodings[a]!.inputIds.length - encodings[b]!.inputIds.length);
    for (let i = 0; i < pool.length; i += batchSize) batches.push(pool.slice(i, i + batchSize));
  }
  return rng.shuffle(batches);
}
