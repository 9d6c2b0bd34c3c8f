/**
 * Where the encoder's time goes (for the encoder developer): TF.js kernel profile of the project encoder and of the
 * bench prototypes, interleaved timings of the prototypes, and batch-size / token-budget sweeps of embedTexts.
 * Runs on a deterministic subset (every 4th text, all lengths) to stay short.
 */
import * as tf from '@tensorflow/tfjs-core';
import { embedTexts, padBatch, planBatches } from '@browser-bert/core';
import { fmt, fmtWallCpu } from '../../lib/format';
import { interleave, type Variant } from '../../lib/stats';
import { createVariant, type VariantName } from '../../proto/variants';
import type { SuiteContext } from '../context';
import { profileKernels } from '../kernels';
import { maxAbsDiff, OUR_BATCH } from './embed';
import { finetuneProfile } from './train-profile';

export interface ProfileResult {
  readonly kernels: Record<string, { name: string; ms: number; calls: number; share: number }[]>;
  finetuneKernels?: { name: string; ms: number; calls: number }[];
  readonly sweep: { batchSize: number; maxTokens: number; ms: number[] }[];
}

export async function profileSection(ctx: SuiteContext): Promise<ProfileResult> {
  const p = ctx.state.pipeline!;
  const all = ctx.state.encodings ?? p.tokenizer.encodeBatch(ctx.texts);
  const enc = all.filter((_, i) => i % 4 === 0);
  const plan = planBatches(enc, OUR_BATCH);
  const batches = plan.map((idx) => padBatch(enc, idx, undefined, p.config.padTokenId));
  const out: ProfileResult = { kernels: {}, sweep: [] };
  const protos = (['headmajor', 'rank4-jsembed'] as VariantName[]).map((v) => ({
    name: v,
    m: createVariant(p.config, p.encoder.variables, v),
  }));
  try {
    const models = [{ name: 'encoder', m: p.encoder }, ...protos];
    for (const { name, m } of models) {
      const prof = await profileKernels(m, batches);
      const ks = prof.kernels.filter((k) => !k.name.endsWith('__op'));
      const total = ks.reduce((s, k) => s + k.ms, 0);
      out.kernels[name] = ks.map((k) => ({ name: k.name, ms: k.ms, calls: k.calls, share: k.ms / total }));
      const top = ks
        .slice(0, 6)
        .map((k) => `${k.name} ${fmt((100 * k.ms) / total, 0)}%`)
        .join(', ');
      ctx.rows.push({
        section: 'profile',
        name: `kernel time, ${name === 'encoder' ? 'project encoder' : `bench prototype '${name}'`} (¼ corpus)`,
        display: `${fmt(total)} ms in kernels: ${top}`,
      });
    }
    // Numerics of the prototypes against the project encoder, then interleaved wall time.
    for (const { name, m } of protos) {
      const b = batches[Math.floor(batches.length / 2)]!;
      const d = tf.tidy(() => {
        const a = p.encoder.forward(b).lastHiddenState;
        return maxAbsDiff(a.dataSync() as Float32Array, m.forward(b).lastHiddenState.dataSync() as Float32Array);
      });
      ctx.rows.push({
        section: 'profile',
        name: `prototype '${name}': max |diff| vs project encoder`,
        display: d.toExponential(1),
      });
    }
    const run = (m: { forward: (b: (typeof batches)[number]) => { lastHiddenState: tf.Tensor } }) => () => {
      for (const b of batches)
        tf.tidy(() => {
          m.forward(b).lastHiddenState.dataSync();
        });
    };
    const variants: Variant[] = [{ name: 'encoder', run: run(p.encoder), warmup: run(p.encoder) }];
    for (const { name, m } of protos) variants.push({ name, run: run(m), warmup: run(m) });
    const res = await interleave(variants, ctx.opts.rounds, undefined, ctx.cpu);
    const base = res[0]!.ms;
    for (const r of res) {
      ctx.rows.push({
        section: 'profile',
        name: `forward ¼ corpus: ${r.name === 'encoder' ? 'project encoder' : `prototype '${r.name}'`}`,
        display: `${fmtWallCpu(r.ms, r.cpuMs)} · ${fmt(base.median / r.ms.median, 2)}× vs encoder${
          r.cpuMs && res[0]!.cpuMs ? ` (cpu ${fmt(res[0]!.cpuMs.median / r.cpuMs.median, 2)}×)` : ''
        }`,
        ms: r.ms,
      });
    }
  } finally {
    for (const { m } of protos) m.dispose();
  }
  // Peak tensor memory of one full-budget batch (32 × 128 = 4,096 tokens): whole-forward tidy vs per-block tidies.
  {
    const rows = Array.from({ length: 32 }, () => Int32Array.from({ length: 128 }, (_, i) => 1000 + i));
    const big = padBatch(
      rows.map((r) => ({ inputIds: r, tokenTypeIds: new Int32Array(r.length) })),
      rows.map((_, i) => i),
      128,
      p.config.padTokenId,
    );
    const tidyProto = createVariant(p.config, p.encoder.variables, 'rank4-tidy');
    try {
      const peaks: string[] = [];
      for (const [name, m] of [
        ['project encoder', p.encoder],
        ["prototype 'rank4-tidy'", tidyProto],
      ] as const) {
        const info = await tf.profile(() => m.forward(big).lastHiddenState);
        tf.dispose(info.result as unknown as tf.Tensor);
        peaks.push(`${name} ${fmt(info.peakBytes / 2 ** 20)} MB`);
      }
      ctx.rows.push({
        section: 'profile',
        name: 'peak tensor bytes, one 32×128 forward (tf.profile peakBytes, incl. weights)',
        display: peaks.join(' · '),
      });
    } finally {
      tidyProto.dispose();
    }
  }
  // Batch size / token budget sweep of the real embedTexts (interleaved).
  const grid = ctx.opts.quick
    ? [
        [32, 4096],
        [64, 4096],
        [128, 8192],
      ]
    : [
        [16, 4096],
        [32, 4096],
        [64, 2048],
        [64, 4096],
        [128, 4096],
        [128, 8192],
        [256, 8192],
      ];
  const sweep: Variant[] = grid.map(([bs, mt]) => ({
    name: `${bs}/${mt}`,
    run: () => embedTexts(p.encoder, enc, { pooling: 'mean', batchSize: bs!, maxTokensPerBatch: mt! }),
  }));
  const sres = await interleave(sweep, ctx.opts.rounds, undefined, ctx.cpu);
  sres.forEach((r, i) => {
    out.sweep.push({ batchSize: grid[i]![0]!, maxTokens: grid[i]![1]!, ms: [...r.ms.samples] });
    ctx.rows.push({
      section: 'profile',
      name: `embedTexts ¼ corpus, batchSize ${grid[i]![0]} / maxTokensPerBatch ${grid[i]![1]}`,
      display: `${fmtWallCpu(r.ms, r.cpuMs)} · ${fmt(enc.length / (r.ms.median / 1000), 0)} texts/s`,
      ms: r.ms,
    });
  });
  try {
    out.finetuneKernels = await finetuneProfile(ctx);
  } catch (e) {
    ctx.rows.push({
      section: 'profile',
      name: 'fine-tune step kernels',
      display: `error: ${(e as Error).message}`,
      na: true,
    });
  }
  return out;
}
