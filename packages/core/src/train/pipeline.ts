/**
 * The ONE training pipeline (CLI and web worker): data (de-duplicated stratified seeded split) → features (cached),
 * fine-tuning, or few-shot contrastive tuning then features → head with early stopping on validation → threshold on validation → metrics on validation and
 * test (test is never used for a choice) → report + ready Classifier.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { createClassifier } from '../classifier/classifier.ts';
import { classifierSpec } from '../classifier/manifest.ts';
import type { Classifier } from '../classifier/types.ts';
import type { Dataset } from '../data/types.ts';
import { throwIfAborted } from '../errors.ts';
import { createHead } from '../head/model.ts';
import { predictHead } from '../head/predict.ts';
import type { EpochStats, FeatureMatrix } from '../head/types.ts';
import type { FeatureCache } from '../io/feature-cache.ts';
import { buildReport } from '../metrics/report.ts';
import type { TrainingReport } from '../metrics/report-types.ts';
import type { LoadedModel } from '../model/types.ts';
import { pooledDim } from '../pooling/pool.ts';
import { trainingData, type TrainingData } from './data.ts';
import { fewShotStage } from './few-shot-stage.ts';
import { fineTuneStage, frozenHeadStage, type TrainedModel } from './stages.ts';
import { classWeightsFor } from './loss.ts';
import { resolveTrainOptions } from './options.ts';
import { stageClock } from './progress.ts';
import type { TrainOptions, TrainProgress } from './types.ts';

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

/** Row-major probabilities [n, C] → one row view per example (the metrics' ScoreRows). */
const rowsOf = (probs: Float32Array, C: number): Float32Array[] =>
  Array.from({ length: probs.length / C }, (_, i) => probs.subarray(i * C, (i + 1) * C));

/** Copies the rows `ps` of a matrix into a new contiguous one. */
function gatherRows(m: FeatureMatrix, ps: ArrayLike<number>): FeatureMatrix {
  const out = new Float32Array(ps.length * m.dim);
  for (let i = 0; i < ps.length; i++) {
    const r = ps[i] as number;
    out.set(m.data.subarray(r * m.dim, (r + 1) * m.dim), i * m.dim);
  }
  return { dim: m.dim, data: out };
}

export async function trainClassifier(args: TrainArgs): Promise<TrainResult> {
  const { model, signal } = args;
  const emit = (e: TrainProgress) => args.onProgress?.(e);
  const o = resolveTrainOptions(args.options ?? {}, model, args.dataset.texts.length);
  const fineTuning = o.fineTuneLayers === 'all' || o.fineTuneLayers > 0;
  // what the manifest and report record as tuned encoder layers (few-shot tunes some too)
  const tunedLayers = o.fewShot ? o.fewShot.layers : o.fineTuneLayers;
  const clock = stageClock();
  throwIfAborted(signal);

  // 1. de-duplicate + stratified seeded split
  const data: TrainingData = trainingData(args.dataset, o);
  const { split } = data;
  emit({ stage: 'split', ...split.counts, duplicatesRemoved: split.duplicatesRemoved });
  clock.lap('split');

  // 2. the encoder's features (cached) and the head, or fine-tuning of both
  const C = data.labelMap.labels.length;
  const normalize = model.info.normalize;
  const flattenLength = o.pooling === 'flatten' ? o.maxLength : undefined;
  const head: tfl.LayersModel = createHead(pooledDim(o.pooling, model.config.hiddenSize, flattenLength), C, {
    kind: o.head,
    hiddenUnits: o.hiddenUnits,
    dropout: o.dropout,
    seed: o.seed,
  });
  const stage = {
    model,
    head,
    data,
    options: o,
    normalize,
    flattenLength,
    classWeights: classWeightsFor(data.labelsOf(data.train), C, o.classWeighting),
    featureCache: args.featureCache,
    clock,
    emit,
    signal,
  };
  let trained: TrainedModel | undefined;
  try {
    if (o.fewShot) trained = await fewShotStage(stage);
    else trained = fineTuning ? await fineTuneStage(stage) : await frozenHeadStage(stage);

    // 3. probabilities on validation and test; the threshold is chosen on validation inside buildReport
    const probsOf = (ps: Int32Array) => predictHead(head, gatherRows(trained!.features, ps));
    const tEval = performance.now();
    emit({ stage: 'evaluate', done: 0, total: 2, etaMs: undefined });
    const valProbs = await probsOf(data.validation);
    emit({ stage: 'evaluate', done: 1, total: 2, etaMs: performance.now() - tEval });
    const testProbs = await probsOf(data.test);
    emit({ stage: 'evaluate', done: 2, total: 2, etaMs: 0 });
    const training = {
      ...o,
      ratios: [...o.ratios],
      epochs_run: trained.history.length,
      // Early stopping on the validation loss (patience earlyStoppingPatience): the epoch restored, and whether it
      // stopped before the last epoch.
      ...(trained.stop ? { best_epoch: trained.stop.bestEpoch, stopped_early: trained.stop.stoppedEarly } : {}),
      features_cached: trained.featuresCached,
      ...(trained.fewShot ? { few_shot: { pairs: trained.fewShot.pairs, loss: trained.fewShot.loss } } : {}),
    };
    clock.lap('evaluate');
    const testTexts = Array.from(data.test, (p) => data.texts[p] as string);
    const report = buildReport({
      labels: data.labelMap.labels,
      ...(data.labelMap.positiveLabel === undefined ? {} : { positiveLabel: data.labelMap.positiveLabel }),
      trainLabels: data.labelsOf(data.train),
      validation: { labels: data.labelsOf(data.validation), scores: rowsOf(valProbs, C) },
      test: {
        labels: data.labelsOf(data.test),
        scores: rowsOf(testProbs, C),
        texts: testTexts,
        rows: Array.from(data.test, (p) => data.keep[p] as number),
      },
      duplicatesRemoved: split.duplicatesRemoved,
      seed: o.seed,
      encoder: {
        source: model.info.source,
        revision_or_hash: model.info.revision ?? `sha256:${model.info.weightsHash}`,
        pooling: o.pooling,
        fine_tune_layers: tunedLayers,
        random_init: model.info.randomInit,
      },
      timingMs: clock.timing,
      training,
    });

    // 4. the classifier: the manifest is built by the classifier layer from the run's outcome
    const spec = classifierSpec({
      model,
      report,
      pooling: o.pooling,
      normalize,
      maxLength: o.maxLength,
      flattenLength,
      fineTuneLayers: tunedLayers,
      head: { kind: o.head, inputDim: trained.features.dim },
      training,
    });
    const { encoder, ownsEncoder } = trained;
    const classifier = createClassifier({ spec, tokenizer: model.tokenizer, encoder, ownsEncoder, head, report });
    const test = { texts: testTexts, labels: data.labelsOf(data.test), probs: testProbs };
    return { classifier, report, history: trained.history, featuresCached: trained.featuresCached, test };
  } catch (e) {
    head.dispose();
    if (trained?.ownsEncoder) trained.encoder.dispose();
    throw e;
  }
}
