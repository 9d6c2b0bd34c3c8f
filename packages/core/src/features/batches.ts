/** Length-bucketed dynamic padding: plan batches over texts sorted by length, pad each to its longest. */
import { UsageError } from '../errors.ts';
import type { PaddedBatch } from '../encoder/types.ts';
import type { Encoding } from '../tokenizer/types.ts';

/**
 * Pads the encodings at `indices` into one row-major batch. seqLen defaults to the longest of them (at least 1);
 * a fixed seqLen (e.g. 128 for 'flatten') must not be shorter than any of them.
 */
export function padBatch(
  encodings: readonly Encoding[],
  indices: readonly number[],
  seqLen?: number,
  padTokenId = 0,
): PaddedBatch {
  let longest = 1;
  for (const i of indices) longest = Math.max(longest, encodingAt(encodings, i).inputIds.length);
  const S = seqLen ?? longest;
  if (S < longest) {
    throw new UsageError(
      `Cannot pad to ${S} tokens: a text in the batch has ${longest}`,
      `truncate texts to at most ${S} tokens when tokenizing (maxLength)`,
    );
  }
  const B = indices.length;
  const inputIds = new Int32Array(B * S).fill(padTokenId);
  const tokenTypeIds = new Int32Array(B * S);
  const attentionMask = new Int32Array(B * S);
  indices.forEach((idx, b) => {
    const e = encodingAt(encodings, idx);
    inputIds.set(e.inputIds, b * S);
    tokenTypeIds.set(e.tokenTypeIds, b * S);
    attentionMask.fill(1, b * S, b * S + e.inputIds.length);
  });
  return { batchSize: B, seqLen: S, inputIds, tokenTypeIds, attentionMask };
}

function encodingAt(encodings: readonly Encoding[], i: number): Encoding {
  const e = encodings[i];
  if (e === undefined) throw new UsageError(`No encoding at index ${i}`);
  return e;
}

export interface BatchPlanOptions {
  /** Most texts per batch. */
  batchSize: number;
  /** Most padded tokens (texts × padded length) per batch; bounds memory for long texts. */
  maxTokensPerBatch: number;
  /** Pad every batch to this length instead of its longest text. */
  fixedLength?: number;
}

/** Groups text indices into batches of similar length (shortest first; the caller restores input order). */
export function planBatches(encodings: readonly Encoding[], options: BatchPlanOptions): number[][] {
  const order = encodings.map((_, i) => i);
  order.sort((a, b) => encodings[a]!.inputIds.length - encodings[b]!.inputIds.length || a - b);
  const batches: number[][] = [];
  let cur: number[] = [];
  for (const i of order) {
    const len = options.fixedLength ?? Math.max(1, encodings[i]!.inputIds.length);
    const wouldBe = (cur.length + 1) * len; // sorted ascending: this text is the batch's longest
    if (cur.length > 0 && (cur.length >= options.batchSize || wouldBe > options.maxTokensPerBatch)) {
      batches.push(cur);
      cur = [];
    }
    cur.push(i);
  }
  if (cur.length > 0) batches.push(cur);
  return batches;
}
