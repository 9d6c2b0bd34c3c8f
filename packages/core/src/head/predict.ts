/** The head's forward for inference: class probabilities for raw (unstandardised) features, batched. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createYielder } from '../util/yield.ts';
import { headLogits } from './model.ts';
import type { FeatureMatrix } from './types.ts';

/** Class probabilities [n, classes] (row-major) of the head for raw (unstandardised) features. */
export async function predictHead(
  model: tfl.LayersModel,
  features: FeatureMatrix,
  options: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<Float32Array> {
  const { dim, data } = features;
  const n = data.length / dim;
  const batchSize = options.batchSize ?? 512;
  const numClasses = (model.outputs[0]?.shape[1] as number | undefined) ?? 0; // softmax width = classes
  const out = new Float32Array(n * numClasses);
  const yielder = createYielder(options.signal);
  for (let start = 0; start < n; start += batchSize) {
    await yielder.maybeYield();
    const count = Math.min(batchSize, n - start);
    // the layers applied directly (not model.predict: its graph executor costs ~1 ms per call, the whole
    // budget of a single-text classify); same kernels, same numbers
    const probs = tf.tidy(() => {
      const x = tf.tensor2d(data.subarray(start * dim, (start + count) * dim), [count, dim]);
      return tf.softmax(headLogits(model, x, { training: false }));
    });
    out.set(await probs.data(), start * numClasses);
    probs.dispose();
  }
  return out;
}
