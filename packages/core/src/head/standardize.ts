/**
 * Feature standardisation fitted on the training split only, then folded into the head's first dense layer
 * (W' = W / std, b' = b − (mean / std)·W) so the saved head is a plain tfjs-layers model taking raw features.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { TrainingError } from '../errors.ts';
import type { FeatureMatrix, Standardizer } from './types.ts';

/** Per-column mean and std (float64 accumulation); std floored so constant columns stay finite. */
export function fitStandardizer(features: FeatureMatrix, rows?: readonly number[]): Standardizer {
  const { dim, data } = features;
  const count = rows ? rows.length : data.length / dim;
  if (count === 0) throw new TrainingError('Cannot fit feature standardisation on an empty training split');
  const sum = new Float64Array(dim);
  const sumSq = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    const base = (rows ? (rows[r] as number) : r) * dim;
    for (let j = 0; j < dim; j++) {
      const v = data[base + j] as number;
      sum[j] = (sum[j] as number) + v;
      sumSq[j] = (sumSq[j] as number) + v * v;
    }
  }
  const mean = new Float32Array(dim);
  const std = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    const m = (sum[j] as number) / count;
    const variance = Math.max(0, (sumSq[j] as number) / count - m * m);
    mean[j] = m;
    std[j] = Math.max(Math.sqrt(variance), 1e-6);
  }
  return { mean, std };
}

/** (x − mean) / std for a [batch, dim] tensor. Call inside tf.tidy. */
export function standardize(x: tf.Tensor2D, s: Standardizer): tf.Tensor2D {
  return tf.div(tf.sub(x, tf.tensor1d(s.mean)), tf.tensor1d(s.std));
}

/** Folds the standardiser into the first Dense layer of `model`, in place. */
export function foldStandardizer(model: tfl.LayersModel, s: Standardizer): void {
  const dense = model.layers.find((l) => l.getClassName() === 'Dense');
  if (!dense) throw new TrainingError('The head has no Dense layer to fold the standardisation into');
  const [kernel, bias] = dense.getWeights();
  if (!kernel || !bias) throw new TrainingError('The head layer has no kernel/bias');
  const folded = tf.tidy(() => {
    const mean = tf.tensor2d(s.mean, [1, s.mean.length]);
    const invStd = tf.div(1, tf.tensor2d(s.std, [s.std.length, 1]));
    const k = tf.mul(kernel, invStd);
    const b = tf.sub(bias, tf.reshape(tf.matMul(mean, k), [-1]));
    return [k, b];
  });
  dense.setWeights(folded);
  tf.dispose(folded);
}
