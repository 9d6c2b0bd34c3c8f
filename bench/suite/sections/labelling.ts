/**
 * Labelling (issue 15): the LabellingSession's warm retrain time on the pooled SMS corpus (fit + 5-fold estimate +
 * pool predictions, after a few hundred labels), and — in Node — labelling replayed with the true labels as the
 * oracle on SMS and SpamAssassin: active strategies vs random order, test accuracy after 8…128 labels per class,
 * labels needed for 95 % of the full-pool accuracy. The encoder is a random-init fixture: these figures measure the
 * pipeline and the sampling, not BERT quality.
 */
import {
  cachedFeatures,
  createLabellingSession,
  dedupe,
  simulateLabelling,
  UNLABELLED,
  type FeatureMatrix,
  type LabellingSession,
  type SamplingStrategy,
  type SimulationResult,
} from '@browser-bert/core';
import { fmt, fmtMs } from '../../lib/format';
import { summarize } from '../../lib/stats';
import type { SuiteContext } from '../context';

export const RANDOM_INIT_LABEL = 'random-init encoder: measures the pipeline and the sampling, not BERT quality';
const STRATEGIES: readonly SamplingStrategy[] = ['mixed', 'uncertainty', 'diversity', 'random'];

interface Corpus {
  readonly name: string;
  readonly texts: string[];
  readonly classes: string[];
  readonly y: Int32Array;
  readonly features: FeatureMatrix;
}

/** De-duplicated texts (a text never sits in both pool and test) and their mean-pooled features. */
async function corpusOf(ctx: SuiteContext, name: string, texts: readonly string[], labels: readonly string[]) {
  const { model } = ctx.state.pipeline!;
  const d = dedupe(texts, labels);
  const kept = d.keep.map((i) => texts[i]!);
  const classes = [...new Set(d.labels)].sort();
  const y = Int32Array.from(d.labels, (l) => classes.indexOf(l));
  const t0 = performance.now();
  const r = await cachedFeatures(model, kept, {
    pooling: 'mean',
    normalize: model.info.normalize,
    maxLength: 128,
    batchSize: 64,
    cache: ctx.featureCache,
  });
  ctx.log(`  ${name}: ${kept.length} texts embedded in ${fmt(performance.now() - t0)} ms (cached: ${r.cached})`);
  return { name, texts: kept, classes, y, features: r.features } satisfies Corpus;
}

/** Labels `count` more texts, the session's own suggestions (5 at a time), with their true labels. */
function labelSuggested(s: LabellingSession, y: Int32Array, count: number): void {
  for (let done = 0; done < count; done += 5) {
    for (const x of s.suggest(Math.min(5, count - done))) s.label(x.index, y[x.index]!);
  }
}

function retrainTiming(ctx: SuiteContext, c: Corpus): void {
  const session = createLabellingSession({
    set: { classes: c.classes, texts: c.texts, labels: c.texts.map(() => UNLABELLED) },
    features: c.features,
    retrainEvery: Number.MAX_SAFE_INTEGER,
    seed: 1,
  });
  const rounds = ctx.opts.quick ? 5 : 10;
  for (const target of [300, 1000]) {
    labelSuggested(session, c.y, target - session.labelledCount);
    session.retrain(); // warm: the head starts from the previous fit, as in the app
    const retrain: number[] = [];
    const suggestMs: number[] = [];
    let cv = NaN;
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      const picks = session.suggest(5);
      suggestMs.push(performance.now() - t0);
      for (const x of picks) session.label(x.index, c.y[x.index]!);
      const t1 = performance.now();
      cv = session.retrain().cvAccuracy ?? NaN;
      retrain.push(performance.now() - t1);
    }
    ctx.rows.push({
      section: 'labelling',
      key: `retrain-${target}`,
      name: `warm retrain @ ~${target} labels, ${fmt(c.texts.length)} pooled ${c.name} texts: head + 5-fold estimate + pool predictions (target ≤ 1 s)`,
      display: `${fmtMs(summarize(retrain))} · suggest(5) ${fmtMs(summarize(suggestMs))} · cv accuracy ${fmt(cv, 3)}`,
      ms: summarize(retrain),
    });
  }
}

function simulationRows(ctx: SuiteContext, c: Corpus, r: SimulationResult, repeats: number): void {
  ctx.rows.push({
    section: 'labelling',
    key: `sim-${c.name}-full`,
    name: `${c.name}: pool/test; full-pool head test acc (majority) [${RANDOM_INIT_LABEL}]`,
    display: `${fmt(r.pool)} / ${fmt(r.test)}; ${fmt(r.fullAccuracy, 3)} (${fmt(r.majorityAccuracy, 3)}); 95 % target ${fmt(r.target, 3)}`,
  });
  const budgets = r.curves[0]!.points.map((p) => p.budget).join('/');
  for (const curve of r.curves) {
    const toTarget = curve.labelsToTarget.map((n) => (n === undefined ? `>${r.curves[0]!.points.at(-1)!.labels}` : n));
    ctx.rows.push({
      section: 'labelling',
      key: `sim-${c.name}-${curve.strategy}`,
      name: `${c.name} ${curve.strategy}: acc @ ${budgets} labels/class; to 95 % (test, mean of ${repeats} replays)`,
      display: `${curve.points.map((p) => fmt(p.accuracy, 3)).join(' / ')}; ${toTarget.join(', ')}`,
    });
  }
}

export async function labellingSection(ctx: SuiteContext): Promise<unknown> {
  const sms = await corpusOf(ctx, 'SMS', ctx.texts, ctx.labels);
  retrainTiming(ctx, sms);
  if (ctx.env !== 'node') {
    ctx.rows.push({
      section: 'labelling',
      name: 'simulated labelling curves',
      display: 'Node only (plain JS on features: the same numbers)',
      na: true,
    });
    return undefined;
  }
  const corpora = [sms];
  const sa = ctx.extraCorpora?.spamAssassin;
  if (sa) corpora.push(await corpusOf(ctx, 'SpamAssassin', sa.texts, sa.labels));
  else ctx.rows.push({ section: 'labelling', name: 'SpamAssassin', display: 'n/a (corpus not loaded)', na: true });
  const repeats = ctx.opts.quick ? 1 : 3;
  const out: Record<string, SimulationResult> = {};
  for (const c of corpora) {
    const t0 = performance.now();
    const r = await simulateLabelling({
      features: c.features,
      labels: c.y,
      classes: c.classes,
      strategies: STRATEGIES,
      repeats,
      seed: 2026,
    });
    ctx.log(`  ${c.name}: simulated ${STRATEGIES.length} strategies × ${repeats} in ${fmt(performance.now() - t0)} ms`);
    simulationRows(ctx, c, r, repeats);
    out[c.name] = r;
  }
  return { notice: RANDOM_INIT_LABEL, simulations: out };
}
