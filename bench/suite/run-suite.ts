/** Runs the selected sections in one process (Node) or one page (Chromium) and returns the rows. */
import * as tf from '@tensorflow/tfjs-core';
import { fmt } from '../lib/format';
import type { SuiteContext } from './context';
import { buildPipeline } from './pipeline';
import { embedSection } from './sections/embed';
import { profileSection } from './sections/profile';
import { tokenizerSection } from './sections/tokenizer';
import { finetuneSection, latencySection, stagesSection } from './sections/train';
import { largeSection, memorySection } from './sections/memory';
import { minilmSection } from './sections/minilm';
import { finetuneKernelSection, finetuneMinilmSection } from './sections/finetune-kernel';
import { labellingSection } from './sections/labelling';
import type { Row, Section } from './types';

type SectionFn = (ctx: SuiteContext) => Promise<unknown>;

const SECTION_FNS: Partial<Record<Section, SectionFn>> = {
  tokenizer: tokenizerSection,
  embed: embedSection,
  profile: profileSection,
  stages: stagesSection,
  latency: latencySection,
  memory: memorySection,
  finetune: finetuneSection,
  ftkernel: finetuneKernelSection,
  ftminilm: finetuneMinilmSection,
  minilm: minilmSection,
  large: largeSection,
  labelling: labellingSection,
};

export async function runSuite(ctx: SuiteContext): Promise<{ rows: Row[]; extra: Record<string, unknown> }> {
  const extra: Record<string, unknown> = {};
  ctx.state.pipeline = await buildPipeline(ctx.models.tiny, {
    kernelSpawner: ctx.kernelSpawner,
    threads: ctx.opts.ortThreads,
  });
  try {
    for (const s of ctx.opts.sections) {
      const fn = SECTION_FNS[s];
      if (!fn) {
        ctx.rows.push({ section: s, name: s, display: 'n/a (not implemented yet)', na: true });
        continue;
      }
      ctx.log(`[${ctx.env}] ${s} …`);
      const t0 = performance.now();
      try {
        const r = await fn(ctx);
        if (r !== undefined) extra[s] = r;
      } catch (e) {
        const msg = (e as Error).message ?? String(e);
        ctx.rows.push({ section: s, name: `${s} failed`, display: `error: ${msg.slice(0, 160)}`, na: true });
        ctx.log(`[${ctx.env}] ${s} failed: ${(e as Error).stack ?? msg}`);
      }
      ctx.log(
        `[${ctx.env}] ${s} done in ${fmt((performance.now() - t0) / 1000, 1)} s (tensors alive: ${tf.memory().numTensors})`,
      );
    }
  } finally {
    ctx.state.classifier?.dispose();
    ctx.state.pipeline.dispose();
  }
  return { rows: ctx.rows, extra };
}
