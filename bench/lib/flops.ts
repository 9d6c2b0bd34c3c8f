/**
 * FLOP counting for a BERT encoder forward (multiply-add = 2 FLOPs), per text of n tokens:
 *   layers × [ n·(8·H² + 4·H·I)  +  4·n²·H ]
 * = Q,K,V,O projections (4 · 2·H²) + FFN (2 · 2·H·I) per token, + attention scores QKᵀ and probs·V (2 · 2·n·H)
 * per token. Embeddings, LayerNorm, softmax, GELU and biases are O(n·H) and left out (< 1 % here).
 * "Real-token FLOPs" use each text's own length n; "padded FLOPs" use the padded length of its batch.
 */
export interface EncoderShape {
  readonly hidden: number;
  readonly intermediate: number;
  readonly layers: number;
}

export function textFlops(shape: EncoderShape, n: number): number {
  const { hidden: h, intermediate: i, layers } = shape;
  return layers * (n * (8 * h * h + 4 * h * i) + 4 * n * n * h);
}

export function corpusFlops(shape: EncoderShape, lengths: readonly number[]): number {
  let f = 0;
  for (const n of lengths) f += textFlops(shape, n);
  return f;
}
