/**
 * Where a fine-tuning step's time goes: tf.profile of forward (training) + backward of the project encoder over a
 * few length-sorted batches of 16, kernels summed by name (the backward's transposed matMuls show up here).
 */
import * as tf from '@tensorflow/tfjs-core';
import { padBatch, planBatches } from '@browser-bert/core';
import { fmt } from '../../lib/format';
import type { SuiteContext } from '../context';

export async function finetuneProfile(ctx: SuiteContext): Promise<{ name: string; ms: number; calls: number }[]> {
  const p = ctx.state.pipeline!;
  const all = ctx.state.encodings ?? p.tokenizer.encodeBatch(ctx.texts);
  const plan = planBatches(all, { batchSize: 16, maxTokensPerBatch: 4096 });
  const pick = [0.25, 0.5, 0.75].map((f) => plan[Math.floor(f * (plan.length - 1))]!);
  const vars: tf.Variable[] = [];
  for (let i = 0; i < p.config.numHiddenLayers; i++) vars.push(...p.encoder.layerVariables(i));
  const byName = new Map<string, { ms: number; calls: number }>();
  const wasTrainable = vars.map((v) => v.trainable);
  for (const v of vars) v.trainable = true; // frozen by default; fine-tuning un-freezes them the same way
  try {
    for (const idx of pick) {
      const batch = padBatch(all, idx, undefined, p.config.padTokenId);
      const info = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(
          () => tf.mean(tf.square(p.encoder.forward(batch, { training: true, seed: 1 }).lastHiddenState)) as tf.Scalar,
          vars,
        );
        const out = [value, ...Object.values(grads)];
        return out;
      });
      for (const k of info.kernels) {
        if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
        const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
        e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
        e.calls++;
        byName.set(k.name, e);
      }
      tf.dispose(info.result as unknown as tf.Tensor[]);
    }
  } finally {
    vars.forEach((v, i) => (v.trainable = wasTrainable[i]!));
  }
  const ks = [...byName.entries()].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms);
  const total = ks.reduce((s, k) => s + k.ms, 0);
  ctx.rows.push({
    section: 'profile',
    name: 'fine-tune step kernels (fwd+bwd, 3 batches of 16)',
    display: `${fmt(total)} ms: ${ks
      .slice(0, 6)
      .map((k) => `${k.name} ${fmt((100 * k.ms) / total, 0)}%`)
      .join(', ')}`,
  });
  return ks;
}
