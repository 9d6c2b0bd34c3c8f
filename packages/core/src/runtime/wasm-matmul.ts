/**
 * tfjs-backend-wasm 4.22 runs BatchMatMul with transposeA/transposeB through a naive loop instead of XNNPACK:
 * ~20× slower (measured: [384,128]ᵀ·[384,512] 257 ms vs 11 ms with an explicit transpose). Backprop through every
 * dense layer needs exactly those products (xᵀ·dy for the weights, dy·Wᵀ for the inputs), so fine-tuning spends
 * most of its time there. This wraps the wasm kernel: transposed operands are transposed explicitly (a cheap
 * copy) and the fast path is used. Same math; results can differ from the naive loop in the last float bits.
 * Hand-written because no library patches this; remove when tfjs-backend-wasm handles transposes itself.
 */
import * as tf from '@tensorflow/tfjs-core';

let patched = false;

type KernelFunc = tf.KernelConfig['kernelFunc'];

/** Installs the wrapper once (no-op on other backends or when the kernels are missing). Returns true when active. */
export function useFastWasmBatchMatMul(): boolean {
  if (patched) return true;
  if (tf.getBackend() !== 'wasm') return false;
  const orig = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!orig || !transpose) return false;
  const run = orig.kernelFunc as KernelFunc;
  const tr = transpose.kernelFunc as KernelFunc;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    ...(orig.setupFunc ? { setupFunc: orig.setupFunc } : {}),
    ...(orig.disposeFunc ? { disposeFunc: orig.disposeFunc } : {}),
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return run({ inputs, backend, attrs });
      const swapLast = (t: tf.TensorInfo): tf.TensorInfo => {
        const r = t.shape.length;
        const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
        return tr({ inputs: { x: t }, backend, attrs: { perm } }) as tf.TensorInfo;
      };
      const a = inputs.a as tf.TensorInfo;
      const b = inputs.b as tf.TensorInfo;
      const a2 = transposeA ? swapLast(a) : a;
      const b2 = transposeB ? swapLast(b) : b;
      try {
        return run({ inputs: { a: a2, b: b2 }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      } finally {
        const d = backend as unknown as { disposeData(id: object): void };
        if (transposeA) d.disposeData(a2.dataId);
        if (transposeB) d.disposeData(b2.dataId);
      }
    },
  });
  patched = true;
  return true;
}
