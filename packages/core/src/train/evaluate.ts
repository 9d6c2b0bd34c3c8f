/** The class-weighted loss and accuracy of a model over batches: the validation pass of the one training loop. */
import * as tf from '@tensorflow/tfjs-core';
import { createYielder } from '../util/yield.ts';
import { weightedCrossEntropy } from './loss.ts';

/**
 * Σ over batches of (weighted mean CE × Σ weights) / Σ weights — the loss training minimises, over the whole set —
 * and the arg-max accuracy. `logits(batch)` runs inside tf.tidy: tensors it creates are freed after the batch.
 */
export async function evaluateLoss<B>(
  batches: Iterable<B>,
  count: number,
  forward: (batch: B) => { logits: tf.Tensor2D; labels: tf.Tensor1D },
  classWeights: Float32Array,
  signal?: AbortSignal,
): Promise<{ loss: number; accuracy: number }> {
  if (count === 0) return { loss: NaN, accuracy: NaN };
  let lossSum = 0;
  let weightSum = 0;
  let correct = 0;
  const yielder = createYielder(signal);
  const cw = tf.tensor1d(classWeights);
  try {
    for (const batch of batches) {
      await yielder.maybeYield();
      const parts = tf.tidy(() => {
        const { logits, labels } = forward(batch);
        const w = tf.sum(tf.gather(cw, labels));
        return [
          tf.mul(weightedCrossEntropy(logits, labels, cw), w),
          w,
          tf.sum(tf.cast(tf.equal(tf.cast(tf.argMax(logits, 1), 'int32'), labels), 'int32')),
        ];
      });
      const values = await Promise.all(parts.map((t) => t.data()));
      tf.dispose(parts);
      lossSum += values[0]![0] as number;
      weightSum += values[1]![0] as number;
      correct += values[2]![0] as number;
    }
  } finally {
    cw.dispose();
  }
  return { loss: lossSum / weightSum, accuracy: correct / count };
}
