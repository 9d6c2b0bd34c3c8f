/**
 * Fine-tuning on the WebAssembly kernel (kernel/trainer.ts) against the TF.js autograd path, interleaved in one
 * process/page, the same seed and data: bert-tiny, all layers, 1 epoch of the SMS train split (section
 * 'ftkernel'); and the MiniLM-L6 shape, top 2 layers, 1 epoch, on the kernel (section 'ftminilm': run it alone in
 * Chromium for the tab's memory, `--only ftminilm --env chromium`).
 */
import { trainClassifier, type LoadedModel, type TrainResult } from '@browser-bert/core';
import { fmt, fmtWallCpu } from '../../lib/format';
import { interleave, ratioOf, type Variant } from '../../lib/stats';
import type { SuiteContext } from '../context';
import { buildPipeline } from '../pipeline';

function trainMs(r: TrainResult): number {
  return (r.report as unknown as { timing_ms: Record<string, number> }).timing_ms.train ?? NaN;
}

interface Run {
  ms: number[];
  loss: number[];
  valLoss: number[];
}

async function fineTuneRun(
  model: LoadedModel,
  ctx: SuiteContext,
  engine: 'kernel' | 'tfjs',
  layers: number | 'all',
  into: Run,
): Promise<void> {
  let last = '';
  const r = await trainClassifier({
    model,
    dataset: { texts: [...ctx.texts], labels: [...ctx.labels] },
    options: { fineTuneLayers: layers, epochs: 1, fineTuneEngine: engine, seed: 42 },
    onProgress: (e) => {
      // stage changes (and every 40th batch) in the log: with BB_BENCH_TRACE_MEMORY=1, where the memory goes
      const at = e.stage === 'batch' ? e.done : 0;
      if (e.stage !== last || at % 40 === 1) ctx.log(`  ${engine} ${e.stage}${e.stage === 'batch' ? ` ${at}` : ''}`);
      last = e.stage;
    },
  });
  const h = r.history[0]!;
  into.ms.push(trainMs(r));
  into.loss.push(h.trainLoss);
  into.valLoss.push(h.valLoss);
  r.classifier.dispose();
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;

export async function finetuneKernelSection(ctx: SuiteContext): Promise<void> {
  const { model } = ctx.state.pipeline!;
  if (!model.encoder.inference) {
    ctx.rows.push({ section: 'ftkernel', name: 'fine-tune on the kernel', display: 'n/a (no kernel here)', na: true });
    return;
  }
  const runs: Record<'kernel' | 'tfjs', Run> = {
    kernel: { ms: [], loss: [], valLoss: [] },
    tfjs: { ms: [], loss: [], valLoss: [] },
  };
  const variants: Variant[] = (['kernel', 'tfjs'] as const).map((engine) => ({
    name: engine,
    run: () => fineTuneRun(model, ctx, engine, 'all', runs[engine]),
  }));
  const rounds = Math.min(ctx.opts.rounds, ctx.opts.quick ? 1 : 3);
  const res = await interleave(
    variants,
    rounds,
    (r, n, ms) => ctx.log(`  ftkernel round ${r + 1} ${n}: ${fmt(ms)} ms`),
    ctx.cpu,
  );
  const [k, t] = [runs.kernel, runs.tfjs];
  const speed = median(t.ms) / median(k.ms);
  ctx.rows.push(
    {
      section: 'ftkernel',
      key: 'finetune-kernel',
      name: `fine-tune all layers, 1 epoch of the SMS train split, kernel (${model.encoder.inference.threads} workers, ${model.encoder.inference.variant ?? 'simd'}) — train stage`,
      display: `${fmt(median(k.ms) / 1000, 1)} s [${k.ms.map((m) => fmt(m / 1000, 1)).join(', ')}] · whole runs ${fmtWallCpu(res[0]!.ms, res[0]!.cpuMs)}`,
      value: median(k.ms),
      unit: 'ms',
    },
    {
      section: 'ftkernel',
      name: 'the same on the TF.js path — train stage',
      display: `${fmt(median(t.ms) / 1000, 1)} s [${t.ms.map((m) => fmt(m / 1000, 1)).join(', ')}] · whole runs ${fmtWallCpu(res[1]!.ms, res[1]!.cpuMs)}`,
      value: median(t.ms),
      unit: 'ms',
    },
    {
      section: 'ftkernel',
      name: 'kernel speed-up on the train stage (target ≥ 4×); whole runs (tokenize + embed + metrics included)',
      display: `${fmt(speed, 2)}× · ${fmt(ratioOf(res[1]!.ms, res[0]!.ms).median, 2)}×`,
      value: speed,
    },
    {
      section: 'ftkernel',
      name: 'epoch training loss / validation loss, kernel vs TF.js (seed 42; dropout masks differ by engine)',
      display: `${fmt(median(k.loss), 4)} / ${fmt(median(k.valLoss), 4)} vs ${fmt(median(t.loss), 4)} / ${fmt(median(t.valLoss), 4)}`,
    },
  );
}

export async function finetuneMinilmSection(ctx: SuiteContext): Promise<void> {
  const m = ctx.models.minilm;
  if (!m) {
    ctx.rows.push({ section: 'ftminilm', name: 'MiniLM-L6 fine-tune', display: 'n/a (no checkpoint)', na: true });
    return;
  }
  const p = await buildPipeline(m, { kernelSpawner: ctx.kernelSpawner, threads: ctx.opts.ortThreads });
  try {
    if (!p.model.encoder.inference) {
      ctx.rows.push({ section: 'ftminilm', name: 'MiniLM-L6 fine-tune', display: 'n/a (no kernel)', na: true });
      return;
    }
    const run: Run = { ms: [], loss: [], valLoss: [] };
    const c0 = ctx.cpu ? await ctx.cpu() : undefined;
    const t0 = performance.now();
    await fineTuneRun(p.model, ctx, 'kernel', 2, run);
    const wall = performance.now() - t0;
    const cpu = c0 === undefined ? undefined : (await ctx.cpu!()) - c0;
    const peak = ctx.peakRss ? await ctx.peakRss() : undefined;
    ctx.rows.push(
      {
        section: 'ftminilm',
        key: 'finetune-minilm',
        name: `MiniLM-L6 shape, top 2 layers, 1 epoch of the SMS train split on the kernel (${p.model.encoder.inference.threads} workers) — train stage (target ≤ 120 s)`,
        display: `${fmt(run.ms[0]! / 1000, 1)} s · whole run ${fmt(wall / 1000, 1)} s${cpu === undefined ? '' : `, cpu ${fmt(cpu / 1000, 1)} s`} · loss ${fmt(run.loss[0]!, 4)}`,
        value: run.ms[0],
        unit: 'ms',
      },
      {
        section: 'ftminilm',
        name: 'peak RSS of the process / renderer so far (VmHWM; the footprint is in the run summary)',
        display: peak === undefined ? 'n/a' : `${fmt(peak / 2 ** 20, 0)} MiB`,
      },
    );
  } finally {
    p.dispose();
  }
}
