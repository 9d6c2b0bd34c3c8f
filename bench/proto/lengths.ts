/**
 * Approximate WordPiece lengths for profiling before/without the real tokenizer: BERT's basic pre-tokenisation
 * (words and single punctuation marks) + [CLS]/[SEP], capped. Used only by the profiling sweeps, never in the table.
 */
export function approxTokenCount(text: string, maxLength = 128): number {
  const pieces = text.toLowerCase().match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? [];
  let n = 2;
  for (const p of pieces) n += p.length > 8 ? Math.ceil(p.length / 6) : 1;
  return Math.min(maxLength, n);
}
