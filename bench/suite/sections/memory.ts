/**
 * Memory: the frozen training pipeline on the SMS corpus (and, behind --large, on 100,000 synthetic texts), with
 * the environment's probes sampled on every progress event. In Chromium the orchestrator adds the renderer's peak
 * RSS (the tab's real footprint, incl. both wasm heaps) from a fresh browser.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createMemoryFeatureCache, trainClassifier, type TrainProgress } from '@browser-bert/core';
import { fmt, fmtBytes } from '../../lib/format';
import type { MemorySample, SuiteContext } from '../context';
import { synthesize } from '../synth';

interface Trace {
  readonly peak: Record<string, number>;
  /** Samples during the embed stage: [texts done, probes]. */
  readonly embed: [number, MemorySample][];
}

function tracer(ctx: SuiteContext): { trace: Trace; onProgress: (e: TrainProgress) => void } {
  const trace: Trace = { peak: {}, embed: [] };
  let lastEmbed = -1;
  const sample = (): MemorySample => {
    const m = ctx.memory();
    for (const [k, v] of Object.entries(m)) trace.peak[k] = Math.max(trace.peak[k] ?? 0, v);
    return m;
  };
  return {
    trace,
    onProgress: (e) => {
      const m = sample();
      if (e.stage === 'embed' && e.total > 0) {
        const decile = Math.floor((10 * e.done) / e.total);
        if (decile !== lastEmbed) {
          lastEmbed = decile;
          trace.embed.push([e.done, m]);
          ctx.log(
            `  memory @ embed ${e.done}/${e.total}: ${Object.entries(m)
              .map(([k, v]) => `${k} ${fmtBytes(v)}`)
              .join(', ')}`,
          );
        }
      }
    },
  };
}

const mainProbe = (ctx: SuiteContext): string => (ctx.env === 'node' ? 'rss' : 'jsHeapUsed');

export async function memorySection(ctx: SuiteContext): Promise<void> {
  const { model } = ctx.state.pipeline!;
  const before = ctx.memory();
  const peakBefore = ctx.peakRss ? await ctx.peakRss() : undefined;
  const { trace, onProgress } = tracer(ctx);
  const r = await trainClassifier({
    model,
    dataset: { texts: [...ctx.texts], labels: [...ctx.labels] },
    featureCache: createMemoryFeatureCache(),
    onProgress,
  });
  r.classifier.dispose();
  const peakAfter = ctx.peakRss ? await ctx.peakRss() : undefined;
  if (peakBefore !== undefined && peakAfter !== undefined) {
    ctx.rows.push({
      section: 'memory',
      name: `peak RSS: with the model loaded → after SMS trainClassifier (${ctx.env === 'node' ? 'process' : 'renderer'})`,
      display: `${fmtBytes(peakBefore)} → ${fmtBytes(peakAfter)} (+${fmtBytes(peakAfter - peakBefore)})`,
      value: peakAfter,
    });
  }
  const probes = Object.keys(trace.peak);
  ctx.rows.push({
    section: 'memory',
    name: 'SMS trainClassifier cold: peak of sampled probes',
    display: probes.map((k) => `${k} ${fmtBytes(trace.peak[k]!)}`).join(', '),
    note: `before: ${probes.map((k) => `${k} ${fmtBytes(before[k] ?? 0)}`).join(', ')}`,
  });
  if (ctx.env === 'node') {
    ctx.rows.push({
      section: 'memory',
      name: 'Node process peak RSS so far (resourceUsage maxRSS, incl. earlier sections)',
      display: fmtBytes(ctx.memory().maxRss ?? NaN),
    });
  }
  ctx.rows.push({
    section: 'memory',
    name: `TF.js tensors alive after the run (${tf.memory().numTensors}) / TF.js bytes`,
    display: `${tf.memory().numTensors} / ${fmtBytes(tf.memory().numBytes)}`,
  });
}

export async function largeSection(ctx: SuiteContext): Promise<void> {
  const { model } = ctx.state.pipeline!;
  const n = 100_000;
  const data = synthesize(ctx.texts, ctx.labels, n);
  const { trace, onProgress } = tracer(ctx);
  const t0 = performance.now();
  const r = await trainClassifier({ model, dataset: data, featureCache: createMemoryFeatureCache(), onProgress });
  const wall = performance.now() - t0;
  const timing = (r.report as unknown as { timing_ms: Record<string, number> }).timing_ms;
  r.classifier.dispose();
  const probe = mainProbe(ctx);
  const featBytes = n * model.config.hiddenSize * 4;
  const pts = trace.embed.filter((_, i, a) => i === 1 || i === Math.floor(a.length / 2) || i === a.length - 1);
  ctx.rows.push(
    {
      section: 'large',
      name: `100,000 synthetic texts: trainClassifier cold (embed + head)`,
      display: `${fmt(wall / 1000, 1)} s (tokenize ${fmt((timing.tokenize ?? 0) / 1000, 1)} s, embed ${fmt((timing.embed ?? 0) / 1000, 1)} s, head ${fmt((timing.train ?? 0) / 1000, 1)} s)`,
      value: wall,
    },
    {
      section: 'large',
      name: `100k: ${probe} during embedding (texts done → memory); features alone = ${fmtBytes(featBytes)}`,
      display: pts.map(([d, m]) => `${fmt(d / 1000, 0)}k→${fmtBytes(m[probe] ?? NaN)}`).join(', '),
    },
    {
      section: 'large',
      name: '100k: peak of sampled probes',
      display: Object.entries(trace.peak)
        .map(([k, v]) => `${k} ${fmtBytes(v)}`)
        .join(', '),
    },
  );
}
