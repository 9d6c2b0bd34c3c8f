/** Test helper: token-id sequences → one PaddedBatch (prefix masks, optional token types, optional fixed length). */
import type { PaddedBatch } from '../src/encoder/types';

export function padSequences(
  seqs: readonly ArrayLike<number>[],
  seqLen?: number,
  types?: readonly ArrayLike<number>[],
): PaddedBatch {
  const S = seqLen ?? Math.max(...seqs.map((s) => s.length));
  const B = seqs.length;
  const inputIds = new Int32Array(B * S);
  const tokenTypeIds = new Int32Array(B * S);
  const attentionMask = new Int32Array(B * S);
  seqs.forEach((s, b) => {
    inputIds.set(s, b * S);
    if (types) tokenTypeIds.set(types[b]!, b * S);
    attentionMask.fill(1, b * S, b * S + s.length);
  });
  return { batchSize: B, seqLen: S, inputIds, tokenTypeIds, attentionMask };
}
