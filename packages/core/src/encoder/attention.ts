/**
 * Multi-head self-attention from a fused QKV projection. Layout chosen by measurement on tfjs-backend-wasm:
 * one 4-D transpose of [B, S, 3·nH, dH] (a 5-D transpose there is ~4× slower), head slices, and batched
 * matMuls over B·nH (these take wasm's scalar path; only 2-D products reach XNNPACK).
 */
import * as tf from '@tensorflow/tfjs-core';
import { maybeDropout } from './ops.ts';

export interface AttentionShape {
  readonly batch: number;
  readonly seq: number;
  readonly heads: number;
  readonly headDim: number;
}

/**
 * qkv: [B·S, 3H] with the query part already scaled by 1/√dH; additiveMask: [B, 1, 1, S] (0 or a large negative),
 * or undefined when no position is padding.
 * Returns the merged context [B·S, H] (before the output projection).
 */
export function selfAttention(
  qkv: tf.Tensor2D,
  additiveMask: tf.Tensor4D | undefined,
  { batch: B, seq: S, heads: nH, headDim: dH }: AttentionShape,
  dropoutRate: number,
  dropoutSeed: number | undefined,
): tf.Tensor2D {
  const t = tf.transpose(tf.reshape(qkv, [B, S, 3 * nH, dH]), [0, 2, 1, 3]); // [B, 3nH, S, dH]
  const head = (i: number): tf.Tensor3D => tf.reshape(tf.slice(t, [0, i * nH, 0, 0], [B, nH, S, dH]), [B * nH, S, dH]);
  const scores = tf.matMul(head(0), head(1), false, true); // [B·nH, S, S]
  const scores4 = tf.reshape(scores, [B, nH, S, S]);
  let probs = tf.softmax(additiveMask === undefined ? scores4 : tf.add(scores4, additiveMask));
  probs = maybeDropout(probs, dropoutRate, dropoutSeed);
  const ctx = tf.matMul(tf.reshape(probs, [B * nH, S, S]), head(2)); // [B·nH, S, dH]
  return tf.reshape(tf.transpose(tf.reshape(ctx, [B, nH, S, dH]), [0, 2, 1, 3]), [B * S, nH * dH]);
}
