/**
 * Labelling replayed on a labelled dataset, the true labels as the oracle: a LabellingSession (the app's loop)
 * labels the texts it suggests, retrains every `batch` labels, and its head is scored on a held-out stratified test
 * split. Active strategies against random order; accuracy after budget × classes labels; how many labels each
 * needs to reach a share (95 %) of the accuracy of the same head trained on the whole pool.
 */
import { splitDataset } from '../data/split.ts';
import { DataError } from '../errors.ts';
import type { FeatureMatrix } from '../head/types.ts';
import { accuracy } from '../metrics/classification.ts';
import { deriveSeed } from '../util/random.ts';
import { createYielder } from '../util/yield.ts';
import { UNLABELLED } from './label-set.ts';
import { argmaxRows } from './logistic.ts';
import { createLabellingSession, type LabellingSession } from './session.ts';
import type { SamplingStrategy } from './suggest.ts';

export interface SimulateOptions {
  /** Pooled features of every text, row-major. */
  readonly features: FeatureMatrix;
  /** True class index of every row. */
  readonly labels: ArrayLike<number>;
  /** Class names (their count is the number of classes). */
  readonly classes: readonly string[];
  /** Default ['mixed', 'random']. */
  readonly strategies?: readonly SamplingStrategy[];
  /** Labels per class at which accuracy is reported (× classes = labels). Default [8, 16, 32, 64, 128]. */
  readonly budgets?: readonly number[];
  /** Held-out share for the test split (stratified). Default 0.2. */
  readonly testFraction?: number;
  /** Labels between retrains (the app retrains every few labels). Default 5. */
  readonly batch?: number;
  /** Independent replays (each with its own split and seed); figures are their mean. Default 1. */
  readonly repeats?: number;
  /** Share of the full-pool accuracy to reach. Default 0.95. */
  readonly targetShare?: number;
  readonly seed?: number;
  /** Logistic regression's C. Default 1. */
  readonly c?: number;
  /** The session's sampling settings (SuggestOptions): 'mixed' explore share, random seed set size. */
  readonly explore?: number;
  readonly seedSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface CurvePoint {
  /** Labels per class budgeted (labels = budget × classes). */
  readonly budget: number;
  readonly labels: number;
  /** Test accuracy, mean over repeats. */
  readonly accuracy: number;
  readonly accuracies: readonly number[];
  /** Labelled texts per class reached (mean over repeats). */
  readonly perClass: readonly number[];
}

export interface StrategyCurve {
  readonly strategy: SamplingStrategy;
  readonly points: readonly CurvePoint[];
  /** Per repeat: labels needed to reach the target (undefined: not within the largest budget). */
  readonly labelsToTarget: readonly (number | undefined)[];
  /** Test accuracy after every retrain of the first repeat: [labels, accuracy]. */
  readonly trace: readonly (readonly [number, number])[];
}

export interface SimulationResult {
  readonly classes: readonly string[];
  readonly pool: number;
  readonly test: number;
  /** Test accuracy of the head trained on the whole pool with its true labels (mean over repeats). */
  readonly fullAccuracy: number;
  /** Test accuracy of always predicting the pool's majority class (mean over repeats). */
  readonly majorityAccuracy: number;
  /** targetShare × fullAccuracy (per repeat, the repeat's own full accuracy is used). */
  readonly target: number;
  readonly curves: readonly StrategyCurve[];
}

const rowsMatrix = (f: FeatureMatrix, rows: readonly number[]): FeatureMatrix => {
  const data = new Float32Array(rows.length * f.dim);
  rows.forEach((r, i) => data.set(f.data.subarray(r * f.dim, (r + 1) * f.dim), i * f.dim));
  return { dim: f.dim, data };
};

/** Test accuracy of the session's head; with one class labelled, of predicting that class. */
function testAccuracy(session: LabellingSession, test: FeatureMatrix, truth: Int32Array): number {
  const probs = session.predict(test);
  let predicted: ArrayLike<number>;
  if (probs) predicted = argmaxRows(probs, session.classes.length);
  else {
    const only = session.perClass().findIndex((n) => n > 0);
    predicted = new Int32Array(truth.length).fill(only);
  }
  return accuracy(truth, predicted);
}

export async function simulateLabelling(o: SimulateOptions): Promise<SimulationResult> {
  const C = o.classes.length;
  const strategies = o.strategies ?? ['mixed', 'random'];
  const budgets = [...(o.budgets ?? [8, 16, 32, 64, 128])].sort((a, b) => a - b);
  const batch = o.batch ?? 5;
  const repeats = o.repeats ?? 1;
  const targetShare = o.targetShare ?? 0.95;
  const seed = o.seed ?? 42;
  const n = o.labels.length;
  if (o.features.data.length !== n * o.features.dim)
    throw new DataError(`simulateLabelling: ${o.features.data.length / o.features.dim} feature rows, ${n} labels`);
  const yielder = createYielder(o.signal);
  const maxLabels = budgets.at(-1)! * C;
  const totalSteps = repeats * strategies.length;
  let steps = 0;
  const full: number[] = [];
  let sizes = { pool: 0, test: 0 };
  const majority: number[] = [];
  const perStrategy = strategies.map((strategy) => ({
    strategy,
    acc: budgets.map(() => [] as number[]),
    perClass: budgets.map(() => new Array<number>(C).fill(0)),
    toTarget: [] as (number | undefined)[],
    trace: [] as [number, number][],
  }));
  for (let r = 0; r < repeats; r++) {
    const rSeed = deriveSeed(seed, `repeat:${r}`);
    const ids = Array.from({ length: n }, (_, i) => String(i));
    const split = splitDataset(
      ids,
      Array.from(o.labels, (l) => o.classes[l] ?? String(l)),
      { ratios: [1 - (o.testFraction ?? 0.2), 0, o.testFraction ?? 0.2], seed: rSeed, dedupe: false },
    );
    const poolRows = split.train;
    sizes = { pool: split.counts.train, test: split.counts.test };
    const pool = rowsMatrix(o.features, poolRows);
    const poolTruth = Int32Array.from(poolRows, (i) => o.labels[i] as number);
    const test = rowsMatrix(o.features, split.test);
    const testTruth = Int32Array.from(split.test, (i) => o.labels[i] as number);
    const texts = poolRows.map(String);
    const base = {
      features: pool,
      folds: 0,
      retrainEvery: Number.MAX_SAFE_INTEGER,
      seed: rSeed,
      c: o.c ?? 1,
      ...(o.explore === undefined ? {} : { explore: o.explore }),
      ...(o.seedSize === undefined ? {} : { seedSize: o.seedSize }),
    };
    const oracle = createLabellingSession({ ...base, set: { classes: o.classes, texts, labels: [...poolTruth] } });
    const fullAcc = testAccuracy(oracle, test, testTruth);
    full.push(fullAcc);
    const counts = new Array<number>(C).fill(0);
    poolTruth.forEach((l) => counts[l]!++);
    const major = counts.indexOf(Math.max(...counts));
    majority.push(testTruth.filter((l) => l === major).length / testTruth.length);
    for (const s of perStrategy) {
      const session = createLabellingSession({
        ...base,
        strategy: s.strategy,
        set: { classes: o.classes, texts, labels: texts.map(() => UNLABELLED) },
      });
      let labelled = 0;
      let reached: number | undefined;
      let b = 0;
      let acc = NaN;
      const record = () => {
        s.acc[b]!.push(acc);
        session.perClass().forEach((k, c) => (s.perClass[b]![c] = (s.perClass[b]![c] as number) + k / repeats));
        b++;
      };
      while (labelled < Math.min(maxLabels, poolRows.length)) {
        await yielder.maybeYield();
        const nextCheckpoint = budgets[b]! * C;
        const take = Math.min(batch, nextCheckpoint - labelled, poolRows.length - labelled);
        for (const sug of session.suggest(take)) session.label(sug.index, poolTruth[sug.index] as number);
        labelled += take;
        session.retrain();
        acc = testAccuracy(session, test, testTruth);
        if (r === 0) s.trace.push([labelled, acc]);
        if (reached === undefined && acc >= targetShare * fullAcc) reached = labelled;
        while (b < budgets.length && labelled >= budgets[b]! * C) record();
        if (b >= budgets.length) break;
      }
      while (b < budgets.length) record(); // the pool ran out: every later budget sees the whole pool labelled
      s.toTarget.push(reached);
      o.onProgress?.(++steps, totalSteps);
    }
  }
  const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);
  return {
    classes: o.classes,
    ...sizes,
    fullAccuracy: mean(full),
    majorityAccuracy: mean(majority),
    target: targetShare * mean(full),
    curves: perStrategy.map((s) => ({
      strategy: s.strategy,
      points: budgets.map((budget, i) => ({
        budget,
        labels: budget * C,
        accuracy: mean(s.acc[i]!),
        accuracies: s.acc[i]!,
        perClass: s.perClass[i]!,
      })),
      labelsToTarget: s.toTarget,
      trace: s.trace,
    })),
  };
}
