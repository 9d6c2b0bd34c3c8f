/** Training (the library's one pipeline), prediction, and the test curves for the threshold slider. */
import {
  resolveTrainOptions,
  createIdbFeatureCache,
  binaryCurves,
  TrainingError,
  trainClassifier,
  type FeatureCache,
  type TrainProgress,
} from './core';
import { replaceActive, state, type OpContext } from './context';
import { createEtaEstimator } from '../lib/eta';
import type {
  BinaryCurves,
  ClassifierSummary,
  EpochPoint,
  FineTuneChoice,
  Operations,
  Prediction,
  ReportMsg,
  TrainOptionsMsg,
  TrainProgressMsg,
} from './protocol';

let featureCache: FeatureCache | undefined;
function features(): FeatureCache | undefined {
  if (typeof indexedDB === 'undefined') return undefined;
  return (featureCache ??= createIdbFeatureCache());
}

/**
 * Library progress → protocol progress; batch events are folded into the epoch bar and throttled. ETAs are learned
 * here from the reports' timing (lib/eta.ts), with their uncertainty; the epoch ETA counts every batch still to run
 * (early stopping may end sooner).
 */
function progressAdapter(options: TrainOptionsMsg, send: (p: TrainProgressMsg) => void): (e: TrainProgress) => void {
  const history: EpochPoint[] = [];
  let lastBatch = 0;
  const etas = new Map<string, ReturnType<typeof createEtaEstimator>>();
  const eta = (stage: string, done: number, total: number) => {
    let e = etas.get(stage);
    if (!e) etas.set(stage, (e = createEtaEstimator()));
    const r = e.update(done, total, performance.now());
    return r ? { etaMs: r.etaMs, etaSpreadMs: r.spreadMs } : { etaMs: undefined };
  };
  let batchesPerEpoch = 0;
  return (e) => {
    switch (e.stage) {
      case 'split':
        send({ stage: 'split', done: 1, total: 1, etaMs: 0 });
        return;
      case 'tokenize':
      case 'evaluate':
        send({ stage: e.stage, done: e.done, total: e.total, ...eta(e.stage, e.done, e.total) });
        return;
      case 'embed':
        send({ stage: 'embed', done: e.done, total: e.total, ...eta('embed', e.done, e.total), fromCache: e.cached });
        return;
      case 'contrastive':
        send({
          stage: 'contrastive',
          done: e.epoch - 1 + e.done / Math.max(1, e.total),
          total: e.totalEpochs,
          etaMs: e.etaMs,
        });
        return;
      case 'batch': {
        batchesPerEpoch = e.total;
        const all = options.epochs * Math.max(1, e.total);
        const t = eta('epoch', (e.epoch - 1) * e.total + e.done, all);
        const now = performance.now();
        if (now - lastBatch < 100 && e.done < e.total) return;
        lastBatch = now;
        send({
          stage: 'epoch',
          done: e.epoch - 1 + e.done / Math.max(1, e.total),
          total: options.epochs,
          ...t,
          history: [...history],
        });
        return;
      }
      case 'epoch':
        history.push({
          epoch: e.epoch,
          loss: e.trainLoss,
          accuracy: e.trainAccuracy,
          valLoss: e.valLoss,
          valAccuracy: e.valAccuracy,
        });
        send({
          stage: 'epoch',
          done: e.epoch,
          total: e.totalEpochs,
          ...eta('epoch', e.epoch * batchesPerEpoch, e.totalEpochs * Math.max(1, batchesPerEpoch)),
          history: [...history],
        });
        return;
    }
  };
}

export function trainDefaults(fineTuneLayers: FineTuneChoice): Operations['trainDefaults']['res'] {
  const model = state.model;
  if (!model) throw new TrainingError('No model is loaded', 'load a model in step 1 first');
  // The dataset's size sizes the default fine-tuning epochs (the library's rule, as the CLI applies it).
  const o = resolveTrainOptions({ fineTuneLayers }, model, state.dataset?.data.texts.length);
  return {
    pooling: o.pooling,
    head: o.head,
    hiddenUnits: o.hiddenUnits,
    epochs: o.epochs,
    learningRate: o.learningRate,
    batchSize: o.batchSize,
    fineTuneLearningRate: o.fineTuneLearningRate,
  };
}

export async function train(
  options: TrainOptionsMsg,
  ctx: OpContext<TrainProgressMsg>,
): Promise<{ report: ReportMsg; classifier: ClassifierSummary }> {
  const model = state.model;
  const dataset = state.dataset;
  if (!model) throw new TrainingError('No model is loaded', 'load a model in step 1 first');
  if (!dataset) throw new TrainingError('No dataset is loaded', 'load a dataset in step 2 first');
  const { classifier, report, test } = await trainClassifier({
    model,
    dataset: dataset.data,
    options: {
      pooling: options.pooling,
      head: options.head,
      hiddenUnits: options.hiddenUnits,
      epochs: options.epochs,
      learningRate: options.learningRate,
      fineTuneLayers: options.fineTuneLayers,
      fineTuneLearningRate: options.fineTuneLearningRate,
      seed: options.seed,
      ratios: options.ratios,
      batchSize: options.batchSize,
      ...(options.fewShot ? { fewShot: true } : {}),
    },
    featureCache: features(),
    onProgress: progressAdapter(options, (p) => ctx.progress(p)),
    signal: ctx.signal,
  });
  const summary: ClassifierSummary = {
    name: undefined,
    labels: [...classifier.labels],
    encoderSource: classifier.manifest.encoder.source,
    randomInit: classifier.manifest.encoder.random_init,
    savedAt: undefined,
    report,
  };
  const fineTuned = classifier.manifest.encoder.fine_tuned;
  replaceActive({
    classifier,
    borrows: fineTuned ? undefined : model,
    summary,
    trained: { report, test },
  });
  return { report, classifier: summary };
}

/**
 * ROC/PR curves and metrics at thresholds 0.00 … 1.00 on the test split of the classifier just trained, from the
 * test scores the library computed for its report (TrainResult.test), by the library's own metrics (the same rules
 * as the report).
 */
export async function curves(): Promise<BinaryCurves | undefined> {
  const t = state.active?.trained;
  const positive = t?.report.positive_label;
  if (!t || t.report.labels.length !== 2 || positive === undefined) return undefined;
  const { report, test } = t;
  const scores = Array.from({ length: test.labels.length }, (_, i) => test.probs.subarray(i * 2, i * 2 + 2));
  return {
    positiveLabel: positive,
    n: test.labels.length,
    ...binaryCurves(test.labels, scores, report.labels, report.labels.indexOf(positive)),
    chosenThreshold: report.validation.threshold ?? 0.5,
  };
}

export async function predict(texts: string[]): Promise<{ predictions: Prediction[]; ms: number }> {
  const active = state.active;
  if (!active) throw new TrainingError('No classifier yet', 'train one (step 3) or load a saved one (step 6)');
  const t0 = performance.now();
  const predictions = await active.classifier.classify(texts);
  return { predictions, ms: performance.now() - t0 };
}
