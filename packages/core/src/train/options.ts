import { TrainingError } from '../errors.ts';
import { CLASSIFIER_POOLINGS, isClassifierPooling } from '../vocabulary.ts';
import type { LoadedModel } from '../model/types.ts';
import { HEAD_DEFAULTS } from '../head/model.ts';
import { DEFAULT_FLATTEN_LENGTH } from '../pooling/pool.ts';
import type { ResolvedFewShot, ResolvedTrainOptions, TrainOptions } from './types.ts';

/**
 * Fine-tuning needs enough optimiser steps: with few rows, 3 epochs are a few dozen steps and underfit (issue 13:
 * 300 rows, 3 classes → loss ~1.0). Its default epochs give at least this many steps (early stopping ends sooner).
 */
export const FINE_TUNE_MIN_STEPS = 150;
export const FINE_TUNE_EPOCHS = { min: 3, max: 20 } as const;

/** Default fine-tuning epochs for `rows` texts (all splits) at `batchSize`: ≥ FINE_TUNE_MIN_STEPS steps, 3–20. */
export function fineTuneEpochsFor(rows: number, ratios: readonly number[], batchSize: number): number {
  const batches = Math.max(1, Math.ceil((rows * (ratios[0] ?? 0.8)) / batchSize));
  return Math.min(FINE_TUNE_EPOCHS.max, Math.max(FINE_TUNE_EPOCHS.min, Math.ceil(FINE_TUNE_MIN_STEPS / batches)));
}

/**
 * Fills in the defaults (documented on TrainOptions) and checks ranges, naming the option at fault. `rows` (texts
 * in the dataset, when known) sizes the default fine-tuning epochs.
 */
export function resolveTrainOptions(
  options: TrainOptions,
  model: LoadedModel,
  rows?: number | undefined,
): ResolvedTrainOptions {
  const fineTuneLayers = options.fineTuneLayers ?? 0;
  const fineTuning = fineTuneLayers === 'all' || fineTuneLayers > 0;
  const batchSize = options.batchSize ?? (fineTuning ? 32 : 128);
  const ratios = options.ratios ?? [0.8, 0.1, 0.1];
  const fineTuneEpochs = rows === undefined ? FINE_TUNE_EPOCHS.min : fineTuneEpochsFor(rows, ratios, batchSize);
  const pooling = options.pooling ?? model.info.defaultPooling ?? 'mean';
  const modelMax = model.tokenizer.settings.modelMaxLength;
  const maxLength =
    pooling === 'flatten' ? DEFAULT_FLATTEN_LENGTH : (options.maxLength ?? model.tokenizer.settings.maxLength);
  const r: ResolvedTrainOptions = {
    pooling,
    head: options.head ?? HEAD_DEFAULTS.kind,
    hiddenUnits: options.hiddenUnits ?? HEAD_DEFAULTS.hiddenUnits,
    dropout: options.dropout ?? HEAD_DEFAULTS.dropout,
    epochs: options.epochs ?? (fineTuning ? fineTuneEpochs : 20),
    // frozen: large batches + a larger step (SMS, warm cache: same or better test metrics, ~2.3× faster than 32/1e-3)
    learningRate: options.learningRate ?? (fineTuning ? 1e-3 : 4e-3),
    batchSize,
    fineTuneLayers,
    fineTuneLearningRate: options.fineTuneLearningRate ?? 5e-5,
    clipNorm: options.clipNorm ?? 1,
    fineTuneEngine: options.fineTuneEngine ?? 'auto',
    seed: (options.seed ?? 42) >>> 0,
    ratios,
    classWeighting: options.classWeighting ?? 'none',
    earlyStoppingPatience: options.earlyStoppingPatience ?? 3,
    maxLength,
    standardize: options.standardize ?? !fineTuning,
    embedBatchSize: options.embedBatchSize ?? 64,
    ...(options.positiveLabel === undefined ? {} : { positiveLabel: options.positiveLabel }),
  };
  const int = (name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isInteger(v) || v < min || v > max)
      throw new TrainingError(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  };
  const pos = (name: string, v: number) => {
    if (!(v > 0 && Number.isFinite(v))) throw new TrainingError(`${name} must be a positive number, got ${v}`);
  };
  int('epochs', r.epochs, 1, 10_000);
  int('batchSize', r.batchSize, 1, 65_536);
  int('hiddenUnits', r.hiddenUnits, 1, 65_536);
  int('earlyStoppingPatience', r.earlyStoppingPatience, 0);
  int('embedBatchSize', r.embedBatchSize, 1, 65_536);
  int('maxLength', r.maxLength, 3, modelMax);
  pos('learningRate', r.learningRate);
  pos('fineTuneLearningRate', r.fineTuneLearningRate);
  pos('clipNorm', r.clipNorm);
  if (!(r.dropout >= 0 && r.dropout < 1)) throw new TrainingError(`dropout must be in [0, 1), got ${r.dropout}`);
  const layers = model.config.numHiddenLayers;
  if (fineTuneLayers !== 'all') int('fineTuneLayers', fineTuneLayers, 0, layers);
  if (!['auto', 'kernel', 'tfjs'].includes(r.fineTuneEngine)) {
    throw new TrainingError(`fineTuneEngine must be auto, kernel or tfjs, got ${String(r.fineTuneEngine)}`);
  }
  const fewShot = resolveFewShot(options.fewShot, layers);
  if (fewShot) {
    if (fineTuning) {
      throw new TrainingError('fewShot and fineTuneLayers cannot be combined', 'choose few-shot or fine-tuning');
    }
    if (r.pooling === 'flatten') throw new TrainingError("fewShot needs pooling mean, cls or pooler, not 'flatten'");
    if (fewShot.pairs !== undefined) int('fewShot.pairs', fewShot.pairs, 2, 10_000_000);
    int('fewShot.epochs', fewShot.epochs, 1, 10_000);
    int('fewShot.batchSize', fewShot.batchSize, 1, 65_536);
    if (fewShot.layers !== 'all') int('fewShot.layers', fewShot.layers, 1, layers);
    pos('fewShot.learningRate', fewShot.learningRate);
  }
  if (!isClassifierPooling(r.pooling)) {
    throw new TrainingError(`pooling must be ${CLASSIFIER_POOLINGS.join(', ')}, got ${String(r.pooling)}`);
  }
  if (r.pooling === 'pooler' && !model.encoder.hasPooler) {
    throw new TrainingError(
      "This checkpoint has no pooler weights, so pooling 'pooler' is not available",
      'use pooling mean or cls',
    );
  }
  return fewShot ? { ...r, fewShot } : r;
}

function resolveFewShot(o: TrainOptions['fewShot'], modelLayers: number): ResolvedFewShot | undefined {
  if (o === undefined || o === false) return undefined;
  const f = o === true ? {} : o;
  return {
    pairs: f.pairs,
    epochs: f.epochs ?? 1,
    layers: f.layers ?? Math.min(2, modelLayers),
    learningRate: f.learningRate ?? 2e-5,
    batchSize: f.batchSize ?? 16,
  };
}
