/**
 * Prototype (bench only): x·W + b with a custom gradient whose products all reach XNNPACK on tfjs-wasm.
 * tfjs-core's matMul gradient uses transposed operands (dy·Wᵀ with transposeB, xᵀ·dy with transposeA), which
 * tfjs-backend-wasm 4.22 runs in its scalar `slow_batch_matmul`; here the transposes are materialised with the fast
 * 2-D Transpose kernel and the products are plain 2-D matMuls.
 */
import * as tf from '@tensorflow/tfjs-core';

export function denseXnnGrad(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [X, W, bb, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    save([X, W]);
    return {
      value: tf.fused.matMul({ a: X, b: W, bias: bb }),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
        const d = dy as tf.Tensor2D;
        return [tf.matMul(d, tf.transpose(sw)), tf.matMul(tf.transpose(sx), d), tf.sum(d, 0)];
      },
    };
  });
  return f(x, w, b) as tf.Tensor2D;
}
