/** Where encoder time goes, per TF.js kernel (tf.profile: each wasm kernel is timed synchronously). */
import * as tf from '@tensorflow/tfjs-core';
import type { Padded } from '../lib/batching';

export interface KernelShare {
  readonly name: string;
  readonly ms: number;
  readonly calls: number;
  readonly share: number;
}

interface ForwardLike {
  forward(batch: Padded): { lastHiddenState: tf.Tensor; poolerOutput?: tf.Tensor | undefined };
}

/** Profiles one forward per batch and sums kernel time by kernel name (plus the untimed JS/glue remainder). */
export async function profileKernels(
  encoder: ForwardLike,
  batches: readonly Padded[],
): Promise<{ kernels: KernelShare[]; wallMs: number; kernelMs: number }> {
  const byName = new Map<string, { ms: number; calls: number }>();
  let wallMs = 0;
  for (const b of batches) {
    const t0 = performance.now();
    const info = await tf.profile(() => {
      const out = encoder.forward(b);
      out.poolerOutput?.dispose();
      return out.lastHiddenState;
    });
    wallMs += performance.now() - t0;
    for (const k of info.kernels) {
      // Wrappers (op-level "x__op", customGrad's "unnamed scope") also appear as kernels: count only real kernels.
      if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
      const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      e.calls += 1;
      byName.set(k.name, e);
    }
    tf.dispose(info.result as unknown as tf.Tensor);
  }
  let kernelMs = 0;
  for (const e of byName.values()) kernelMs += e.ms;
  const kernels = [...byName.entries()]
    .map(([name, e]) => ({ name, ms: e.ms, calls: e.calls, share: e.ms / kernelMs }))
    .sort((a, b) => b.ms - a.ms);
  return { kernels, wallMs, kernelMs };
}
