/** A MiniLM-L6-shaped model (6 layers, hidden 384, 12 heads): ours vs ORT web on the same batches. No target. */
import { embedTexts, planBatches } from '@browser-bert/core';
import { corpusFlops } from '../../lib/flops';
import { fmt, fmtWallCpu } from '../../lib/format';
import { interleave, ratioOf, type Variant } from '../../lib/stats';
import type { SuiteContext } from '../context';
import { createOrtRunner } from '../ort';
import { buildPipeline } from '../pipeline';
import { OUR_BATCH } from './embed';

export async function minilmSection(ctx: SuiteContext): Promise<void> {
  const m = ctx.models.minilm;
  if (!m) {
    ctx.rows.push({ section: 'minilm', name: 'MiniLM-L6 shape', display: 'n/a (no checkpoint)', na: true });
    return;
  }
  const p = await buildPipeline(m, { kernelSpawner: ctx.kernelSpawner, threads: ctx.opts.ortThreads });
  try {
    const stride = ctx.opts.quick ? 32 : 16;
    const texts = ctx.texts.filter((_, i) => i % stride === 0);
    const enc = p.tokenizer.encodeBatch(texts);
    const c = p.config;
    const flops = corpusFlops(
      { hidden: c.hiddenSize, intermediate: c.intermediateSize, layers: c.numHiddenLayers },
      enc.map((e) => e.inputIds.length),
    );
    const main = p.kernel ?? p.encoder;
    const variants: Variant[] = [{ name: 'ours', run: () => embedTexts(main, enc, { pooling: 'mean' }) }];
    if (p.kernel) variants.push({ name: 'ours-tfjs', run: () => embedTexts(p.encoder, enc, { pooling: 'mean' }) });
    const ort = ctx.ort && m.onnx ? await createOrtRunner(ctx.ort, m.onnx, c.hiddenSize) : undefined;
    const batches = planBatches(enc, OUR_BATCH);
    if (ort) variants.push({ name: 'ort', run: () => ort.embed(enc, batches) });
    const w = Math.min(64, enc.length);
    await embedTexts(main, enc.slice(0, w), { pooling: 'mean' });
    if (p.kernel) await embedTexts(p.encoder, enc.slice(0, w), { pooling: 'mean' });
    if (ort) await ort.embed(enc.slice(0, w), [Array.from({ length: w }, (_, i) => i)]);
    const res = await interleave(
      variants,
      Math.min(ctx.opts.rounds, 2),
      (r, n, ms) => ctx.log(`  minilm round ${r + 1} ${n}: ${fmt(ms)} ms`),
      ctx.cpu,
    );
    const o = res[0]!.ms;
    const byName = new Map(res.map((r) => [r.name, r]));
    ctx.rows.push({
      section: 'minilm',
      name: `MiniLM-L6 shape, ours (${p.kernel ? 'wasm-simd kernel' : 'TF.js forward'}): ${texts.length} texts (every ${stride}th SMS), mean pooling`,
      key: 'minilm-ours',
      display: `${fmtWallCpu(o, res[0]!.cpuMs)} · ${fmt(texts.length / (o.median / 1000), 0)} texts/s · ${fmt(flops / (o.median / 1000) / 1e9, 1)} GFLOP/s`,
      ms: o,
    });
    const t = byName.get('ours-tfjs');
    if (t) {
      ctx.rows.push({
        section: 'minilm',
        name: 'MiniLM-L6 shape, ours with the TF.js forward',
        display: `${fmtWallCpu(t.ms, t.cpuMs)} · ${fmt(texts.length / (t.ms.median / 1000), 0)} texts/s · kernel speed-up ${fmt(ratioOf(t.ms, o).median, 2)}×`,
        ms: t.ms,
      });
    }
    const ortRes = byName.get('ort');
    if (ort && ortRes) {
      const s = ortRes.ms;
      ctx.rows.push({
        section: 'minilm',
        name: 'MiniLM-L6 shape, ORT web same batches',
        display: `${fmtWallCpu(s, ortRes.cpuMs)} · ${fmt(texts.length / (s.median / 1000), 0)} texts/s · ratio ours/ORT speed ${fmt(ratioOf(s, o).median, 2)}×`,
        ms: s,
      });
      await ort.release();
    }
  } finally {
    p.dispose();
  }
}
