import * as tf from '@tensorflow/tfjs-core';

/**
 * Class-weighted softmax cross-entropy, Σ wᵢ·CEᵢ / Σ wᵢ (wᵢ = weight of example i's class).
 * `labels` int32 [batch]; `classWeights` float32 [classes]. Call inside tf.tidy / variableGrads.
 */
export function weightedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, classWeights: tf.Tensor1D): tf.Scalar {
  const numClasses = logits.shape[1];
  const oneHot = tf.cast(tf.oneHot(labels, numClasses), 'float32');
  const ce = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
  const w = tf.gather(classWeights, labels);
  return tf.div(tf.sum(tf.mul(ce, w)), tf.sum(w)) as tf.Scalar;
}

/** Per-class weights: 'balanced' = n / (classes · countᶜ) (scikit-learn's rule), 'none' = all 1. */
export function classWeightsFor(labels: Int32Array, numClasses: number, mode: 'none' | 'balanced'): Float32Array {
  const w = new Float32Array(numClasses).fill(1);
  if (mode === 'none') return w;
  const counts = new Float64Array(numClasses);
  for (const y of labels) counts[y] = (counts[y] as number) + 1;
  for (let c = 0; c < numClasses; c++) {
    const n = counts[c] as number;
    w[c] = n > 0 ? labels.length / (numClasses * n) : 0;
  }
  return w;
}
