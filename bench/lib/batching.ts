/** Batch plans for the comparisons: length-sorted buckets (ours) and corpus-order fixed batches (Transformers.js). */

export interface BatchPlan {
  /** Indices into the corpus, per batch. */
  readonly batches: number[][];
  /** Padded length per batch. */
  readonly seqLens: number[];
}

/** Sort by length (stable), cut into batches of `batchSize`, pad each to its longest. */
export function sortedPlan(lengths: readonly number[], batchSize: number): BatchPlan {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  return chunk(order, lengths, batchSize);
}

/** Corpus order, batches of `batchSize`, each padded to its longest (Transformers.js pipeline default). */
export function corpusOrderPlan(lengths: readonly number[], batchSize: number): BatchPlan {
  return chunk(
    lengths.map((_, i) => i),
    lengths,
    batchSize,
  );
}

/** Corpus order, every text padded to `fixedLen` (the tutorial). */
export function fixedPlan(lengths: readonly number[], batchSize: number, fixedLen: number): BatchPlan {
  const p = corpusOrderPlan(lengths, batchSize);
  return { batches: p.batches, seqLens: p.seqLens.map(() => fixedLen) };
}

function chunk(order: number[], lengths: readonly number[], batchSize: number): BatchPlan {
  const batches: number[][] = [];
  const seqLens: number[] = [];
  for (let i = 0; i < order.length; i += batchSize) {
    const b = order.slice(i, i + batchSize);
    batches.push(b);
    seqLens.push(Math.max(...b.map((j) => lengths[j]!)));
  }
  return { batches, seqLens };
}

export interface Padded {
  readonly batchSize: number;
  readonly seqLen: number;
  readonly inputIds: Int32Array;
  readonly tokenTypeIds: Int32Array;
  readonly attentionMask: Int32Array;
}

/** Right-pads the given token-id rows (pad id 0) into one [batch, seqLen] block. */
export function padRows(rows: readonly Int32Array[], seqLen: number, padId = 0): Padded {
  const B = rows.length;
  const inputIds = new Int32Array(B * seqLen).fill(padId);
  const tokenTypeIds = new Int32Array(B * seqLen);
  const attentionMask = new Int32Array(B * seqLen);
  rows.forEach((r, b) => {
    const n = Math.min(r.length, seqLen);
    inputIds.set(r.subarray(0, n), b * seqLen);
    attentionMask.fill(1, b * seqLen, b * seqLen + n);
  });
  return { batchSize: B, seqLen, inputIds, tokenTypeIds, attentionMask };
}

/** Padded tokens processed by a plan (sum of batch × seqLen). */
export function paddedTokens(plan: BatchPlan): number {
  return plan.batches.reduce((s, b, i) => s + b.length * plan.seqLens[i]!, 0);
}
