/**
 * The headline comparison, interleaved in one process/page: embed the whole SMS corpus (frozen, mean pooling)
 *   ours        — embedTexts as load() sets it up: the wasm-simd kernel engine (bert.c, one instance per worker,
 *                 as many workers as ORT has threads), length-bucketed batches (the project's defaults)
 *   ours-tfjs   — embedTexts on the TF.js forward (the same batches; the engine before the kernel)
 *   tutorial    — embedTexts with pooling 'flatten': every text padded to 128, 128×hidden features (the tutorial's
 *                 pipeline minus its int32 cast), in the project's default token budget per batch (32 × 128)
 *   ORT sorted  — onnxruntime-web on the same weights, the SAME tokenization and the SAME batches as ours
 *   ORT corpus  — onnxruntime-web with Transformers.js-style batches: corpus order, 32 per batch
 */
import * as tf from '@tensorflow/tfjs-core';
import { embedTexts, planBatches, type Encoding } from '@browser-bert/core';
import { corpusFlops, type EncoderShape } from '../../lib/flops';
import { fmt, fmtWallCpu } from '../../lib/format';
import { interleave, ratioOf, type Summary, type Variant } from '../../lib/stats';
import type { SuiteContext } from '../context';
import { createOrtRunner } from '../ort';
import type { Row } from '../types';
import { defaultKernelSpawner } from '@browser-bert/core';
import { measureFmaPeak } from '@browser-bert/core/internal';

export const OUR_BATCH = { batchSize: 64, maxTokensPerBatch: 4096 };

function rate(ms: Summary, n: number): string {
  return `${fmt(n / (ms.median / 1000), 0)} texts/s`;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export async function embedSection(ctx: SuiteContext): Promise<void> {
  const p = ctx.state.pipeline!;
  const encodings = ctx.state.encodings ?? p.tokenizer.encodeBatch(ctx.texts);
  ctx.state.encodings = encodings;
  const n = encodings.length;
  const H = p.config.hiddenSize;
  const shape: EncoderShape = { hidden: H, intermediate: p.config.intermediateSize, layers: p.config.numHiddenLayers };
  const lengths = encodings.map((e) => e.inputIds.length);
  const stride = ctx.opts.tutorialStride;
  const tutorialEnc: Encoding[] = encodings.filter((_, i) => i % stride === 0);

  let ours: Float32Array | undefined;
  let oursTfjs: Float32Array | undefined;
  let ortOut: Float32Array | undefined;
  const main = p.kernel ?? p.encoder;
  const variants: Variant[] = [
    {
      name: 'ours',
      run: async () => {
        ours = (await embedTexts(main, encodings, { pooling: 'mean' })).data;
      },
    },
    ...(p.kernel
      ? [
          {
            name: 'ours-tfjs',
            run: async () => {
              oursTfjs = (await embedTexts(p.encoder, encodings, { pooling: 'mean' })).data;
            },
          },
        ]
      : []),
    {
      name: 'tutorial',
      run: async () => {
        await embedTexts(p.encoder, tutorialEnc, { pooling: 'flatten', flattenLength: 128 });
      },
    },
  ];
  const ort = ctx.ort && ctx.models.tiny.onnx ? await createOrtRunner(ctx.ort, ctx.models.tiny.onnx, H) : undefined;
  const sortedBatches = planBatches(encodings, OUR_BATCH);
  const corpusBatches: number[][] = [];
  for (let i = 0; i < n; i += 32) corpusBatches.push(Array.from({ length: Math.min(32, n - i) }, (_, k) => i + k));
  if (ort) {
    variants.push(
      {
        name: 'ort-sorted',
        run: async () => {
          ortOut = await ort.embed(encodings, sortedBatches);
        },
      },
      { name: 'ort-corpus32', run: () => ort.embed(encodings, corpusBatches) },
    );
  }
  // Warm-up: one small pass each (kernel setup, xnn operator caches, ORT session init) — untimed.
  const warm = encodings.slice(0, 256);
  await embedTexts(main, warm, { pooling: 'mean' });
  await embedTexts(p.encoder, warm, { pooling: 'mean' });
  await embedTexts(p.encoder, warm.slice(0, 32), { pooling: 'flatten', flattenLength: 128 });
  if (ort) await ort.embed(warm, planBatches(warm, OUR_BATCH));
  const numTensors = tf.memory().numTensors;

  const res = await interleave(
    variants,
    ctx.opts.rounds,
    (r, name, ms) => ctx.log(`  embed round ${r + 1} ${name}: ${fmt(ms)} ms`),
    ctx.cpu,
  );
  const by = new Map(res.map((r) => [r.name, r.ms]));
  const cpuBy = new Map(res.map((r) => [r.name, r.cpuMs]));
  const scale = (x: Summary | undefined, f: number): Summary | undefined =>
    x && { ...x, median: x.median * f, min: x.min * f, max: x.max * f, samples: x.samples.map((v) => v * f) };
  /** "wall 2.1× [1.9–2.3] · cpu 2.0×": ratio of medians and the spread of same-round ratios. */
  const ratioText = (slow: string, fast: string, slowScale = 1): { text: string; wall: number; cpu?: number } => {
    const w = ratioOf(scale(by.get(slow), slowScale)!, by.get(fast)!);
    const cs = scale(cpuBy.get(slow), slowScale);
    const cf = cpuBy.get(fast);
    const c = cs && cf ? ratioOf(cs, cf) : undefined;
    const d = w.median < 3 ? 2 : 1;
    return {
      text: `${fmt(w.median, d)}× [${fmt(w.min, d)}–${fmt(w.max, d)}]${c ? ` · cpu ${fmt(c.median, d)}×` : ''}`,
      wall: w.median,
      ...(c ? { cpu: c.median } : {}),
    };
  };
  const o = by.get('ours')!;
  const t = by.get('tutorial')!;
  const tScaled: Summary = {
    ...t,
    median: (t.median * n) / tutorialEnc.length,
    min: (t.min * n) / tutorialEnc.length,
    max: (t.max * n) / tutorialEnc.length,
    samples: t.samples.map((x) => (x * n) / tutorialEnc.length),
  };
  const real = corpusFlops(shape, lengths);
  let padded = 0;
  for (const b of sortedBatches) padded += b.length * Math.max(...b.map((i) => lengths[i]!));
  const tokens = lengths.reduce((a, b) => a + b, 0);
  const rows = ctx.rows;
  const sec = 'embed' as const;
  rows.push({
    section: sec,
    name: `ours: embed ${fmt(n)} texts, mean pooling (${p.kernel ? `wasm-simd kernel, ${p.kernel.inference!.threads} workers` : 'TF.js forward'}, bucketed, batch ${OUR_BATCH.batchSize}/${OUR_BATCH.maxTokensPerBatch} tok)`,
    display: `${fmtWallCpu(o, cpuBy.get('ours'))} · ${rate(o, n)}`,
    ms: o,
    value: n / (o.median / 1000),
    unit: 'texts/s',
  });
  rows.push({
    section: sec,
    key: 'tutorial',
    name:
      stride === 1
        ? 'tutorial pipeline: pad to 128, flatten 128×H (all texts)'
        : `tutorial pipeline: pad to 128, flatten 128×H (every ${stride}th text, ×${stride} extrapolated)`,
    display: `${fmtWallCpu(tScaled, scale(cpuBy.get('tutorial'), n / tutorialEnc.length))} · ${rate(tScaled, n)}`,
    ms: tScaled,
    value: n / (tScaled.median / 1000),
    unit: 'texts/s',
    note:
      stride === 1
        ? undefined
        : `measured on ${tutorialEnc.length} texts; fixed length 128 makes cost per text constant`,
  });
  /** A throughput row of one variant (wall + CPU time, texts/s). */
  const rateRow = (name: string, variant: string, key?: string): Row => {
    const ms = by.get(variant)!;
    return {
      section: sec,
      ...(key ? { key } : {}),
      name,
      display: `${fmtWallCpu(ms, cpuBy.get(variant))} · ${rate(ms, n)}`,
      ms,
      value: n / (ms.median / 1000),
      unit: 'texts/s',
    };
  };
  const diffRow = (name: string, a: Float32Array, b: Float32Array): Row => {
    const d = maxAbsDiff(a, b);
    return { section: sec, name, display: d.toExponential(1), value: d };
  };
  if (by.has('ours-tfjs')) {
    rows.push(rateRow('ours with the TF.js forward instead of the kernel (same batches)', 'ours-tfjs', 'ours-tfjs'));
    const rk = ratioText('ours-tfjs', 'ours');
    rows.push({ section: sec, name: 'speed-up kernel vs TF.js forward', display: rk.text, value: rk.wall });
    if (ours && oursTfjs) {
      rows.push(diffRow('check: max |kernel − TF.js forward| over all mean-pooled vectors', ours, oursTfjs));
    }
  }
  const rt = ratioText('tutorial', 'ours', n / tutorialEnc.length);
  rows.push({ section: sec, name: 'speed-up ours vs tutorial (target ≥ 15×)', display: rt.text, value: rt.wall });
  const oGflops = real / (o.median / 1000) / 1e9;
  const oCpu = cpuBy.get('ours');
  rows.push({
    section: sec,
    name: 'ours: achieved GFLOP/s (real-token FLOPs)',
    display: `${fmt(oGflops, 1)} GFLOP/s wall${oCpu ? `, ${fmt(real / (oCpu.median / 1000) / 1e9, 1)} per CPU-second` : ''} (${fmt(real / 1e9, 1)} GFLOP real; padding +${fmt((100 * (padded - tokens)) / tokens, 1)} % tokens)`,
    value: oGflops,
  });
  const engine = p.kernel?.inference;
  const spawn = ctx.kernelSpawner ?? defaultKernelSpawner();
  if (engine && spawn) {
    // The multiply-add peak of the same build on as many workers, measured now (best of 3: the machine is shared).
    const peaks: number[] = [];
    for (let i = 0; i < 3; i++)
      peaks.push((await measureFmaPeak(engine.threads, engine.variant ?? 'simd', spawn)).gflops);
    const peak = Math.max(...peaks);
    rows.push({
      section: sec,
      key: 'fma-peak',
      name: `multiply-add peak of the kernel build (${engine.variant ?? 'simd'}, ${engine.threads} workers at once; bb_peak, best of 3)`,
      display: `${fmt(peak, 1)} GFLOP/s [${peaks.map((x) => fmt(x, 1)).join(', ')}]`,
      value: peak,
    });
    rows.push({
      section: sec,
      key: 'peak-share',
      name: 'ours: share of that peak (wall GFLOP/s / peak; target ≥ 60 %)',
      display: `${fmt((100 * oGflops) / peak, 0)} %`,
      value: oGflops / peak,
    });
  }
  if (ort) {
    const s = by.get('ort-sorted')!;
    rows.push(rateRow('ORT web, same tokenization + same sorted batches', 'ort-sorted'));
    rows.push(rateRow('ORT web, Transformers.js-style corpus-order batches of 32', 'ort-corpus32'));
    const rs = ratioText('ort-sorted', 'ours');
    const rc = ratioText('ort-corpus32', 'ours');
    rows.push({
      section: sec,
      name: 'speed-up ours vs ORT same batches (target ≥ 1.5×)',
      display: rs.text,
      value: rs.wall,
    });
    rows.push({ section: sec, name: 'speed-up ours vs ORT corpus-order/32', display: rc.text, value: rc.wall });
    rows.push({
      section: sec,
      name: 'ORT web: achieved GFLOP/s (same FLOP count)',
      display: `${fmt(real / (s.median / 1000) / 1e9, 1)} GFLOP/s wall${
        cpuBy.get('ort-sorted')
          ? `, ${fmt(real / (cpuBy.get('ort-sorted')!.median / 1000) / 1e9, 1)} per CPU-second`
          : ''
      }`,
      value: real / (s.median / 1000) / 1e9,
    });
    if (ours && ortOut) rows.push(diffRow('check: max |ours − ORT| over all mean-pooled vectors', ours, ortOut));
    await ort.release();
  } else {
    rows.push({ section: sec, name: 'ORT web', display: 'n/a (no ONNX export / onnxruntime-web)', na: true });
  }
  rows.push({
    section: sec,
    name: 'leak check: tf.memory().numTensors after all rounds − before',
    display: String(tf.memory().numTensors - numTensors),
    value: tf.memory().numTensors - numTensors,
  });
}
