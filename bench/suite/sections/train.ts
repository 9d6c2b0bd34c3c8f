/**
 * The training pipeline (trainClassifier: split → tokenize → embed → head → evaluate), as the CLI and the web
 * worker run it with default settings: cold (empty feature cache) vs warm (cache filled), interleaved; the share of
 * time per stage from the pipeline's own timing; classify latency; fine-tuning all layers for one epoch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createMemoryFeatureCache, trainClassifier, type TrainResult } from '@browser-bert/core';
import { fmt, fmtWallCpu } from '../../lib/format';
import { interleave, percentile, type Variant } from '../../lib/stats';
import type { SuiteContext } from '../context';

const STAGES = ['split', 'tokenize', 'embed', 'train', 'evaluate'] as const;

function timingOf(r: TrainResult): Record<string, number> {
  return (r.report as unknown as { timing_ms: Record<string, number> }).timing_ms;
}

export async function stagesSection(ctx: SuiteContext): Promise<void> {
  const { model } = ctx.state.pipeline!;
  const dataset = { texts: [...ctx.texts], labels: [...ctx.labels] };
  const warmCache = createMemoryFeatureCache();
  // Fill the warm cache (and warm up every kernel) once, untimed.
  const first = await trainClassifier({ model, dataset, featureCache: warmCache });
  const timings: Record<string, number>[] = [];
  let last: TrainResult | undefined = first;
  const variants: Variant[] = [
    {
      name: 'cold',
      run: async () => {
        last?.classifier.dispose();
        last = await trainClassifier({ model, dataset, featureCache: createMemoryFeatureCache() });
        timings.push(timingOf(last));
      },
    },
    {
      name: 'warm',
      run: async () => {
        last?.classifier.dispose();
        last = await trainClassifier({ model, dataset, featureCache: warmCache });
      },
    },
  ];
  const res = await interleave(
    variants,
    ctx.opts.rounds,
    (r, n, ms) => ctx.log(`  train round ${r + 1} ${n}: ${fmt(ms)} ms`),
    ctx.cpu,
  );
  const [cold, warm] = [res[0]!.ms, res[1]!.ms];
  ctx.rows.push(
    {
      section: 'stages',
      name: 'trainClassifier SMS, defaults, cold feature cache (target ≤ 15 s in the app)',
      display: fmtWallCpu(cold, res[0]!.cpuMs),
      ms: cold,
    },
    {
      section: 'stages',
      name: 'trainClassifier SMS, defaults, warm feature cache (target ≤ 3 s in the app)',
      display: fmtWallCpu(warm, res[1]!.cpuMs),
      ms: warm,
    },
  );
  const med = (k: string): number => {
    const v = timings.map((t) => t[k] ?? 0).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)] ?? 0;
  };
  const total = STAGES.reduce((s, k) => s + med(k), 0);
  ctx.rows.push({
    section: 'stages',
    name: 'share of cold time: split / tokenize / encode / head / metrics',
    display: STAGES.map((k) => `${fmt((100 * med(k)) / total, 0)}%`).join(' / '),
    note: `median ms: ${STAGES.map((k) => `${k} ${med(k)}`).join(', ')}`,
  });
  ctx.rows.push({
    section: 'stages',
    name: 'cold stage times (ms): split / tokenize / encode / head / metrics',
    display: STAGES.map((k) => fmt(med(k))).join(' / '),
  });
  const epochs = last?.history.length ?? 0;
  ctx.rows.push({
    section: 'stages',
    name: 'head epochs run (early stopping on validation)',
    display: String(epochs),
  });

  ctx.state.classifier?.dispose();
  ctx.state.classifier = last!.classifier;
}

/** Single-text classify latency after warm-up (uses the classifier from 'stages', or trains one). */
export async function latencySection(ctx: SuiteContext): Promise<void> {
  if (!ctx.state.classifier) {
    const { model } = ctx.state.pipeline!;
    const r = await trainClassifier({ model, dataset: { texts: [...ctx.texts], labels: [...ctx.labels] } });
    ctx.state.classifier = r.classifier;
  }
  const clf = ctx.state.classifier;
  const texts = ctx.texts;
  for (let i = 0; i < 20; i++) await clf.classify([texts[i]!]);
  const lat: number[] = [];
  const n = ctx.opts.quick ? 100 : 300;
  const before = tf.memory().numTensors;
  for (let i = 0; i < n; i++) {
    const t = texts[(i * 7919) % texts.length]!;
    const t0 = performance.now();
    await clf.classify([t]);
    lat.push(performance.now() - t0);
  }
  ctx.rows.push({
    section: 'latency',
    key: 'classify-latency',
    name: `classify(1 text) latency p50 / p99 over ${n} SMS texts (target ≤ 5 / ≤ 20 ms)`,
    display: `${fmt(percentile(lat, 50), 2)} / ${fmt(percentile(lat, 99), 2)} ms (max ${fmt(Math.max(...lat), 1)})`,
    value: percentile(lat, 50),
  });
  ctx.rows.push({
    section: 'latency',
    name: 'leak check: tensors after classify loop − before',
    display: String(tf.memory().numTensors - before),
  });
  clf.dispose();
  ctx.state.classifier = undefined;
}

export async function finetuneSection(ctx: SuiteContext): Promise<void> {
  const { model } = ctx.state.pipeline!;
  const dataset = { texts: [...ctx.texts], labels: [...ctx.labels] };
  let batches = 0;
  const c0 = ctx.cpu ? await ctx.cpu() : 0;
  const t0 = performance.now();
  const r = await trainClassifier({
    model,
    dataset,
    options: { fineTuneLayers: 'all', epochs: 1 },
    onProgress: (e) => {
      if (e.stage === 'batch') batches = e.total;
    },
  });
  const wall = performance.now() - t0;
  const cpu = ctx.cpu ? (await ctx.cpu()) - c0 : undefined;
  const t = timingOf(r);
  ctx.rows.push(
    {
      section: 'finetune',
      name: 'fine-tune all layers, 1 epoch of the SMS train split (target ≤ 60 s)',
      display: `${fmt((t.train ?? NaN) / 1000, 1)} s (${batches} batches, default batch size) · whole run ${fmt(wall / 1000, 1)} s${
        cpu === undefined ? '' : `, cpu ${fmt(cpu / 1000, 1)} s`
      }`,
      value: t.train,
      unit: 'ms',
    },
    {
      section: 'finetune',
      name: 'fine-tune stage times (ms): tokenize / train / embed held-out / evaluate',
      display: ['tokenize', 'train', 'embed', 'evaluate'].map((k) => fmt(t[k] ?? 0)).join(' / '),
    },
  );
  r.classifier.dispose();
}
