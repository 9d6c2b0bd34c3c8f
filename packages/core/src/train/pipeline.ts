/**
 * The ONE training pipeline (CLI and web worker): dedupe → stratified seeded split → tokenize → features (cached)
 * or fine-tuning → head with early stopping on validation → threshold on validation → metrics on validation and
 * test (test is never used for a choice) → report + ready Classifier.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { createClassifier, type ClassifierSpec } from '../classifier/classifier';
import type { Classifier } from '../classifier/types';
import { buildLabelMap, splitDataset } from '../data';
import type { Dataset } from '../data/types';
import type { BertEncoder } from '../encoder/types';
import { TrainingError, throwIfAborted } from '../errors';
import { featureCacheKey, type FeatureCache } from '../features/cache';
import { embedTexts } from '../features/embed';
import { fitHead, predictHead } from '../head/fit';
import { createHead } from '../head/model';
import { fitStandardizer, foldStandardizer } from '../head/standardize';
import type { EpochStats, FeatureMatrix } from '../head/types';
import type { LoadedModel } from '../hub/types';
import { buildReport } from '../metrics/report';
import type { TrainingReport } from '../metrics/report-types';
import { cloneEncoder } from '../storage/encoder-files';
import { withInference } from '../kernel/attach';
import { BUNDLE_FORMAT, BUNDLE_SCHEMA_VERSION } from '../storage/types';
import type { Encoding } from '../tokenizer/types';
import { fineTune } from './fine-tune';
import { classWeightsFor } from './loss';
import { resolveTrainOptions } from './options';
import type { ResolvedTrainOptions, TrainOptions, TrainProgress } from './types';
import { createYielder } from './yield';

export interface TrainArgs {
  readonly model: LoadedModel;
  /** Texts and raw labels (a parsed Dataset, or any {texts, labels}). */
  readonly dataset: Pick<Dataset, 'texts' | 'labels'>;
  readonly options?: TrainOptions;
  /** Where pooled features are kept between runs (frozen encoder only). */
  readonly featureCache?: FeatureCache;
  readonly onProgress?: (e: TrainProgress) => void;
  readonly signal?: AbortSignal;
}

export interface TrainResult {
  readonly classifier: Classifier;
  readonly report: TrainingReport;
  readonly history: EpochStats[];
  /** True when the features came from the cache (the encoder did not run for training). */
  readonly featuresCached: boolean;
  /**
   * The held-out test split as scored for the report: texts, true class indices (in `report.labels` order) and
   * probabilities row-major [n, labels]. For curves and threshold tables without scoring the test set again.
   */
  readonly test: { readonly texts: string[]; readonly labels: Int32Array; readonly probs: Float32Array };
}

const eta = (t0: number, done: number, total: number): number | undefined =>
  done > 0 && done < total ? ((performance.now() - t0) / done) * (total - done) : done >= total ? 0 : undefined;

async function tokenizeAll(
  model: LoadedModel,
  texts: readonly string[],
  maxLength: number,
  emit: (e: TrainProgress) => void,
  signal: AbortSignal | undefined,
): Promise<Encoding[]> {
  const out: Encoding[] = [];
  const yielder = createYielder(signal);
  const t0 = performance.now();
  const chunk = 256;
  emit({ stage: 'tokenize', done: 0, total: texts.length, etaMs: undefined });
  for (let i = 0; i < texts.length; i += chunk) {
    await yielder.maybeYield();
    out.push(...model.tokenizer.encodeBatch(texts.slice(i, i + chunk), { maxLength }));
    const done = Math.min(i + chunk, texts.length);
    emit({ stage: 'tokenize', done, total: texts.length, etaMs: eta(t0, done, texts.length) });
  }
  return out;
}

/** Row-major probabilities [n, C] → one row view per example (the metrics' ScoreRows). */
const rowsOf = (probs: Float32Array, C: number): Float32Array[] =>
  Array.from({ length: probs.length / C }, (_, i) => probs.subarray(i * C, (i + 1) * C));

export async function trainClassifier(args: TrainArgs): Promise<TrainResult> {
  const { model, signal } = args;
  const emit = (e: TrainProgress) => args.onProgress?.(e);
  const o: ResolvedTrainOptions = resolveTrainOptions(args.options ?? {}, model);
  const fineTuning = o.fineTuneLayers === 'all' || o.fineTuneLayers > 0;
  const timing: Record<string, number> = {};
  const tStart = performance.now();
  let t = tStart;
  const lap = (name: string) => {
    const now = performance.now();
    timing[name] = Math.round((timing[name] ?? 0) + now - t);
    t = now;
  };
  throwIfAborted(signal);

  // 1. de-duplicate + stratified seeded split
  const { texts, labels } = args.dataset;
  const split = splitDataset(texts, labels, { ratios: o.ratios, seed: o.seed });
  const keep = [...split.train, ...split.validation, ...split.test].sort((a, b) => a - b);
  const pos = new Map(keep.map((row, p) => [row, p] as const));
  const keptTexts = keep.map((r) => texts[r] as string);
  const labelMap = buildLabelMap(
    keep.map((r) => split.labels[r] as string),
    o.positiveLabel === undefined ? {} : { positiveLabel: o.positiveLabel },
  );
  const y = Int32Array.from(keep, (r) => labelMap.index.get(split.labels[r] as string) as number);
  const P = (rows: number[]) => Int32Array.from(rows, (r) => pos.get(r) as number);
  const trainP = P(split.train);
  const valP = P(split.validation);
  const testP = P(split.test);
  const sub = (ps: Int32Array) => Int32Array.from(ps, (p) => y[p] as number);
  const C = labelMap.labels.length;
  emit({ stage: 'split', ...split.counts, duplicatesRemoved: split.duplicatesRemoved });
  lap('split');

  const classWeights = classWeightsFor(sub(trainP), C, o.classWeighting);
  const pooling = o.pooling;
  const normalize = model.info.normalize;
  const flattenLength = pooling === 'flatten' ? o.maxLength : undefined;
  const embedOpts = (total: number, t0: number) => ({
    pooling,
    normalize,
    batchSize: o.embedBatchSize,
    ...(flattenLength === undefined ? {} : { flattenLength }),
    ...(signal ? { signal } : {}),
    onProgress: (done: number) => emit({ stage: 'embed', cached: false, done, total, etaMs: eta(t0, done, total) }),
  });
  let currentEpoch = 1;
  let epochStart = performance.now();
  const onEpoch = (s: EpochStats) => {
    currentEpoch = s.epoch + 1;
    epochStart = performance.now();
    emit({ stage: 'epoch', totalEpochs: o.epochs, ...s });
  };
  const onBatch = (done: number, total: number) =>
    emit({
      stage: 'batch',
      epoch: currentEpoch,
      totalEpochs: o.epochs,
      done,
      total,
      etaMs: eta(epochStart, done, total),
    });

  const head: tfl.LayersModel = createHead(dimFor(model, pooling, flattenLength), C, {
    kind: o.head,
    hiddenUnits: o.hiddenUnits,
    dropout: o.dropout,
    seed: o.seed,
  });
  let encoder: BertEncoder = model.encoder;
  let ownsEncoder = false;
  let features: FeatureMatrix;
  let featuresCached = false;
  let history: EpochStats[] = [];
  try {
    if (!fineTuning) {
      // 2. features, from the cache when this model/tokenizer/pooling/text list was embedded before
      const key = await featureCacheKey({
        weightsHash: model.info.weightsHash,
        revision: model.info.revision,
        tokenizerFingerprint: model.tokenizer.fingerprint,
        maxLength: o.maxLength,
        pooling,
        normalize,
        texts: keptTexts,
      });
      const hit = args.featureCache ? await args.featureCache.get(key) : undefined;
      if (hit && hit.count === keptTexts.length) {
        features = { dim: hit.dim, data: hit.data };
        featuresCached = true;
        emit({ stage: 'embed', cached: true, done: keptTexts.length, total: keptTexts.length, etaMs: 0 });
        lap('embed');
      } else {
        const encodings = await tokenizeAll(model, keptTexts, o.maxLength, emit, signal);
        lap('tokenize');
        features = await embedTexts(encoder, encodings, embedOpts(keptTexts.length, performance.now()));
        lap('embed');
        if (args.featureCache)
          await args.featureCache.put(key, { dim: features.dim, count: keptTexts.length, data: features.data });
      }
      // 3. head on features; standardisation fitted on train only, folded into the head afterwards
      epochStart = performance.now();
      const standardizer = o.standardize ? fitStandardizer(features, Array.from(trainP)) : undefined;
      const fit = await fitHead(
        head,
        { features, rows: trainP, labels: sub(trainP) },
        { features, rows: valP, labels: sub(valP) },
        {
          epochs: o.epochs,
          batchSize: o.batchSize,
          learningRate: o.learningRate,
          classWeights,
          patience: o.earlyStoppingPatience,
          seed: o.seed,
          ...(standardizer ? { standardizer } : {}),
          ...(signal ? { signal } : {}),
          onEpoch,
          onBatch,
        },
      );
      if (standardizer) foldStandardizer(head, standardizer);
      history = fit.history;
      lap('train');
    } else {
      // 2'. fine-tuning: a private copy of the encoder is trained (the caller's model stays as loaded)
      const encodings = await tokenizeAll(model, keptTexts, o.maxLength, emit, signal);
      lap('tokenize');
      encoder = cloneEncoder(model.encoder);
      ownsEncoder = true;
      epochStart = performance.now();
      const res = await fineTune(
        {
          encoder,
          head,
          encodings,
          pooling,
          normalize,
          ...(flattenLength === undefined ? {} : { flattenLength }),
          layers: o.fineTuneLayers,
          epochs: o.epochs,
          batchSize: o.batchSize,
          headLearningRate: o.learningRate,
          encoderLearningRate: o.fineTuneLearningRate,
          clipNorm: o.clipNorm,
          classWeights,
          patience: o.earlyStoppingPatience,
          seed: o.seed,
          ...(signal ? { signal } : {}),
          onEpoch,
          onBatch,
        },
        { rows: Array.from(trainP), labels: y },
        { rows: Array.from(valP), labels: y },
      );
      history = res.history;
      lap('train');
      // The fine-tuned copy gets the loaded model's inference engine too (its weights are packed on first use).
      const engine = model.encoder.inference;
      if (engine) encoder = withInference(encoder, { inference: 'wasm-simd', inferenceThreads: engine.threads });
      // held-out features with the fine-tuned encoder (validation + test only)
      const evalP = [...valP, ...testP];
      const evalFeatures = await embedTexts(
        encoder,
        evalP.map((p) => encodings[p] as Encoding),
        embedOpts(evalP.length, performance.now()),
      );
      features = scatterRows(evalFeatures, evalP, keptTexts.length);
      lap('embed');
    }

    // 4. probabilities on validation and test; threshold chosen on validation inside buildReport
    const probsOf = async (ps: Int32Array) => predictHead(head, gatherRows(features, ps));
    const tEval = performance.now();
    emit({ stage: 'evaluate', done: 0, total: 2, etaMs: undefined });
    const valProbs = await probsOf(valP);
    emit({ stage: 'evaluate', done: 1, total: 2, etaMs: performance.now() - tEval });
    const testProbs = await probsOf(testP);
    emit({ stage: 'evaluate', done: 2, total: 2, etaMs: 0 });
    const trainingRecord = { ...o, ratios: [...o.ratios], epochs_run: history.length, features_cached: featuresCached };
    lap('evaluate');
    timing.total = Math.round(performance.now() - tStart);
    const report = buildReport({
      labels: labelMap.labels,
      ...(labelMap.positiveLabel === undefined ? {} : { positiveLabel: labelMap.positiveLabel }),
      trainLabels: sub(trainP),
      validation: { labels: sub(valP), scores: rowsOf(valProbs, C) },
      test: {
        labels: sub(testP),
        scores: rowsOf(testProbs, C),
        texts: Array.from(testP, (p) => keptTexts[p] as string),
        rows: Array.from(testP, (p) => keep[p] as number),
      },
      duplicatesRemoved: split.duplicatesRemoved,
      seed: o.seed,
      encoder: {
        source: model.info.source,
        revision_or_hash: model.info.revision ?? `sha256:${model.info.weightsHash}`,
        pooling,
        fine_tune_layers: o.fineTuneLayers,
        random_init: model.info.randomInit,
      },
      timingMs: timing,
      training: trainingRecord,
    });

    const spec: ClassifierSpec = {
      format: BUNDLE_FORMAT,
      schema_version: BUNDLE_SCHEMA_VERSION,
      labels: [...labelMap.labels],
      positive_label: labelMap.positiveLabel ?? null,
      threshold: report.validation.threshold ?? null,
      pooling,
      normalize,
      max_length: o.maxLength,
      flatten_length: flattenLength ?? null,
      tokenizer: {
        settings: model.tokenizer.settings,
        fingerprint: model.tokenizer.fingerprint,
        vocab_size: model.tokenizer.vocabSize,
      },
      encoder: {
        source: model.info.source,
        revision: model.info.revision ?? null,
        weights_hash: model.info.weightsHash,
        random_init: model.info.randomInit,
        fine_tuned: fineTuning,
        fine_tune_layers: o.fineTuneLayers,
        included: fineTuning,
      },
      head: { kind: o.head, input_dim: features.dim },
      training: trainingRecord,
      metrics: {
        validation: { accuracy: report.validation.accuracy, macro_f1: report.validation.macro_f1 },
        test: {
          accuracy: report.test.accuracy,
          macro_f1: report.test.macro_f1,
          ...(report.test.roc_auc === undefined ? {} : { roc_auc: report.test.roc_auc }),
        },
        baseline_majority_accuracy: report.baseline.majority_accuracy,
        train_majority_label: report.baseline.majority_label,
        // data summary for model cards (export/model-card.ts)
        data: {
          splits: report.splits,
          class_counts: report.class_counts,
          duplicates_removed: report.duplicates_removed,
        },
      },
      created_at: new Date().toISOString(),
    };
    const classifier = createClassifier({ spec, tokenizer: model.tokenizer, encoder, ownsEncoder, head });
    const test = { texts: Array.from(testP, (p) => keptTexts[p] as string), labels: sub(testP), probs: testProbs };
    return { classifier, report, history, featuresCached, test };
  } catch (e) {
    head.dispose();
    if (ownsEncoder) encoder.dispose();
    throw e;
  }
}

function dimFor(model: LoadedModel, pooling: string, flattenLength: number | undefined): number {
  const H = model.config.hiddenSize;
  if (pooling === 'flatten') {
    if (flattenLength === undefined) throw new TrainingError('flatten pooling needs a fixed length');
    return H * flattenLength;
  }
  return H;
}

/** Copies the rows `ps` of a matrix into a new contiguous one. */
function gatherRows(m: FeatureMatrix, ps: ArrayLike<number>): FeatureMatrix {
  const out = new Float32Array(ps.length * m.dim);
  for (let i = 0; i < ps.length; i++) {
    const r = ps[i] as number;
    out.set(m.data.subarray(r * m.dim, (r + 1) * m.dim), i * m.dim);
  }
  return { dim: m.dim, data: out };
}

/** A [total, dim] matrix whose rows `ps` are `m`'s rows (others zero). */
function scatterRows(m: FeatureMatrix, ps: ArrayLike<number>, total: number): FeatureMatrix {
  const out = new Float32Array(total * m.dim);
  for (let i = 0; i < ps.length; i++) out.set(m.data.subarray(i * m.dim, (i + 1) * m.dim), (ps[i] as number) * m.dim);
  return { dim: m.dim, data: out };
}
