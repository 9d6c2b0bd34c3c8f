/** [batch, seq, hidden] encoder output → one vector per text. */
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.ts';
import type { EncoderOutput } from '../encoder/types.ts';
import type { ClassifierPooling } from '../vocabulary.ts';
import { DEFAULT_FLATTEN_LENGTH, type HiddenPooling } from './dims.ts';

export { DEFAULT_FLATTEN_LENGTH, pooledDim, type HiddenPooling } from './dims.ts';

export interface PoolOptions {
  /** L2-normalise each vector (sentence-transformers' Normalize module). Default false. */
  normalize?: boolean;
  /** 'flatten' only: the fixed sequence length the batch was padded to (the tutorial's 128). Default 128. */
  flattenLength?: number;
}

/** x / max(‖x‖₂, 1e-12) per row, like torch.nn.functional.normalize. */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)));
}

/**
 * Pools last_hidden_state. `mask` is the batch's attention mask [batch, seq] (1 = real token):
 * 'mean' averages real tokens only; 'cls' takes row 0; 'flatten' concatenates all seq×hidden values
 * (the tutorial's baseline; the batch must be padded to exactly flattenLength).
 */
export function pool(
  lastHidden: tf.Tensor3D,
  mask: tf.Tensor2D,
  kind: HiddenPooling,
  options: PoolOptions = {},
): tf.Tensor2D {
  const [B, S, H] = lastHidden.shape;
  return tf.tidy(() => {
    let out: tf.Tensor2D;
    if (kind === 'cls') {
      out = tf.reshape(tf.slice(lastHidden, [0, 0, 0], [B, 1, H]), [B, H]);
    } else if (kind === 'mean') {
      const m = tf.cast(mask, 'float32');
      const summed = tf.squeeze(tf.matMul(tf.expandDims(m, 1), lastHidden), [1]) as tf.Tensor2D; // [B, H]
      const count = tf.maximum(tf.sum(m, 1, true), 1e-9);
      out = tf.div(summed, count);
    } else if (kind === 'flatten') {
      const len = options.flattenLength ?? DEFAULT_FLATTEN_LENGTH;
      if (S !== len) {
        throw new UsageError(
          `'flatten' pooling needs batches padded to exactly ${len} tokens, got ${S}`,
          'pad with padBatch(encodings, indices, flattenLength)',
        );
      }
      out = tf.reshape(lastHidden, [B, S * H]);
    } else {
      throw new UsageError(`Unknown pooling ${JSON.stringify(kind)} (expected cls, mean or flatten)`);
    }
    return options.normalize === true ? l2Normalize(out) : out;
  });
}

/** Pools an encoder output, including 'pooler' (tanh(dense([CLS])) from the checkpoint's pooler). */
export function poolOutput(
  output: EncoderOutput,
  mask: tf.Tensor2D,
  kind: ClassifierPooling,
  options: PoolOptions = {},
): tf.Tensor2D {
  if (kind !== 'pooler') return pool(output.lastHiddenState, mask, kind, options);
  if (output.poolerOutput === undefined) {
    throw new UsageError(
      "Pooling 'pooler' needs the encoder's pooler output",
      'call forward(batch, { pooler: true }) on a checkpoint that has pooler.dense.* weights, or use cls/mean',
    );
  }
  const p = output.poolerOutput;
  return options.normalize === true ? l2Normalize(p) : tf.clone(p);
}
