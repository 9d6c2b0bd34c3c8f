/**
 * The kernel trainer's optimiser on one flat parameter vector: clipping by global norm, then Adam with one learning
 * rate for the encoder's part and one for the head's — tf.train.adam's update step by step (β₁ 0.9, β₂ 0.999,
 * ε = the float32 backend epsilon 1e-7, bias correction by running products of β), in float32 (Math.fround) like
 * the TF.js kernels, so the two paths' loss curves compare. Hand-written: it is 20 lines over a Float32Array that
 * the workers' gradients arrive in, and no optimiser library works on one.
 */

const BETA1 = Math.fround(0.9);
const BETA2 = Math.fround(0.999);
const ONE_MINUS_BETA1 = Math.fround(1 - 0.9);
const ONE_MINUS_BETA2 = Math.fround(1 - 0.999);
/** tf.backend().epsilon() for float32: what tf.train.adam uses when no epsilon is given. */
export const ADAM_EPSILON = 1e-7;

export interface FlatAdam {
  /** Scales `grads` in place to a global L2 norm of at most clipNorm and applies one Adam step to `params`. */
  step(params: Float32Array, grads: Float32Array): void;
  /** Steps taken. */
  readonly steps: number;
}

/** lr per element: encoderLr for [0, split), headLr for [split, size). */
export function createFlatAdam(
  size: number,
  split: number,
  encoderLr: number,
  headLr: number,
  clipNorm: number,
): FlatAdam {
  const m = new Float32Array(size);
  const v = new Float32Array(size);
  const f = Math.fround;
  let accBeta1 = BETA1;
  let accBeta2 = BETA2;
  let steps = 0;
  const eps = f(ADAM_EPSILON);
  return {
    get steps() {
      return steps;
    },
    step(params, grads) {
      let sq = 0;
      for (let i = 0; i < size; i++) sq += grads[i]! * grads[i]!;
      // clipByGlobalNorm of fine-tune.ts: g · clipNorm / max(‖g‖, clipNorm)
      const norm = Math.sqrt(sq);
      const scale = f(clipNorm / Math.max(norm, clipNorm));
      const c1 = f(1 - accBeta1);
      const c2 = f(1 - accBeta2);
      for (const [from, to, lr] of [
        [0, split, f(-encoderLr)],
        [split, size, f(-headLr)],
      ] as const) {
        for (let i = from; i < to; i++) {
          const g = f(grads[i]! * scale);
          const mi = f(f(m[i]! * BETA1) + f(g * ONE_MINUS_BETA1));
          const vi = f(f(v[i]! * BETA2) + f(f(g * g) * ONE_MINUS_BETA2));
          m[i] = mi;
          v[i] = vi;
          const update = f(f(f(mi / c1) / f(Math.sqrt(f(vi / c2)) + eps)) * lr);
          params[i] = f(update + params[i]!);
        }
      }
      accBeta1 = f(accBeta1 * BETA1);
      accBeta2 = f(accBeta2 * BETA2);
      steps++;
    },
  };
}
