/** The small TF.js building blocks of the BERT forward (all differentiable on the wasm backend). */
import * as tf from '@tensorflow/tfjs-core';
import type { HiddenAct } from '../config/types.ts';

/** LayerNorm over the last axis, biased variance as in PyTorch. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  const inv = tf.rsqrt(tf.add(variance, eps));
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), inv), gamma), beta) as tf.Tensor2D;
}

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_PI = Math.sqrt(2 / Math.PI);

/** Activation by config hidden_act: exact erf-GELU, tanh-GELU (gelu_new) or ReLU. */
export function activation(x: tf.Tensor2D, act: HiddenAct): tf.Tensor2D {
  switch (act) {
    case 'relu':
      return tf.relu(x);
    case 'gelu':
      // 0.5·x·(1 + erf(x/√2))
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT1_2)), 1));
    case 'gelu_new': {
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), with x + 0.044715·x³ = x·(1 + 0.044715·x²)
      const inner = tf.mul(tf.mul(x, tf.add(tf.mul(tf.square(x), 0.044715), 1)), SQRT_2_PI);
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
    }
  }
}

/**
 * x·W + b as one fused kernel (W stored [in, out]), with a gradient whose products all reach XNNPACK on wasm:
 * tfjs-core's own matMul gradient multiplies with transposeA/transposeB, which tfjs-backend-wasm 4.22 runs in its
 * scalar slow_batch_matmul; materialising Wᵀ and xᵀ with the fast 2-D Transpose is ~3.5× faster (measured).
 */
const denseWithGrad = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      return [tf.matMul(d, tf.transpose(sw)), tf.matMul(tf.transpose(sx), d), tf.sum(d, 0)];
    },
  };
});

export function dense(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return denseWithGrad(x, w, b) as tf.Tensor2D;
}

/** Deterministic per-site seeds from one forward seed. */
export function siteSeed(seed: number | undefined, site: number): number | undefined {
  return seed === undefined ? undefined : (seed * 1_000_003 + site * 7919) % 2_147_483_647;
}

export function maybeDropout<T extends tf.Tensor>(x: T, rate: number, seed: number | undefined): T {
  return rate > 0 ? (tf.dropout(x, rate, undefined, seed) as T) : x;
}
