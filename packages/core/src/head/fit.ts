/**
 * Trains the head on precomputed features: seeded shuffling, Adam, class weights, early stopping on the
 * VALIDATION loss with the best weights restored. No full-dataset tensors: one batch at a time.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { TrainingError } from '../errors';
import { createRng, deriveSeed } from '../train/random';
import { weightedCrossEntropy } from '../train/loss';
import { createYielder } from '../train/yield';
import { headLogits, headVariables } from './model';
import type { EpochStats, FeatureMatrix, Standardizer } from './types';

/** A labelled subset of a feature matrix (no copies: `rows` index into `features`). */
export interface LabelledFeatures {
  readonly features: FeatureMatrix;
  /** Rows of `features` in this set. Default: all rows. */
  readonly rows?: ArrayLike<number>;
  /** Class index of each example, aligned with `rows` (or with the feature rows when `rows` is absent). */
  readonly labels: Int32Array;
}

const rowOf = (data: LabelledFeatures, i: number): number => (data.rows ? (data.rows[i] as number) : i);

export interface FitHeadOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Per-class loss weights (length = classes). */
  classWeights: Float32Array;
  /** Epochs without validation-loss improvement before stopping; 0 disables early stopping. */
  patience: number;
  seed: number;
  standardizer?: Standardizer;
  signal?: AbortSignal;
  onEpoch?: (stats: EpochStats) => void;
  /** Called after every batch with (batches done this epoch, batches per epoch). */
  onBatch?: (done: number, total: number) => void;
}

export interface FitResult {
  readonly history: EpochStats[];
  /** 1-based epoch whose weights were kept (lowest validation loss). */
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
}

/**
 * `rows`: positions in the set (0…labels.length-1). Standardisation is applied here in JS while copying the rows
 * (no per-batch tensor ops or constant tensors: the head's steps are tiny, so op count is what costs).
 */
function batchTensors(
  data: LabelledFeatures,
  rows: readonly number[],
  standardizer: Standardizer | undefined,
): { x: tf.Tensor2D; y: tf.Tensor1D; ys: Int32Array } {
  const { dim } = data.features;
  const src = data.features.data;
  const buf = new Float32Array(rows.length * dim);
  const ys = new Int32Array(rows.length);
  rows.forEach((p, i) => {
    const r = rowOf(data, p);
    if (standardizer) {
      const { mean, std } = standardizer;
      for (let j = 0, a = r * dim, b = i * dim; j < dim; j++) {
        buf[b + j] = ((src[a + j] as number) - (mean[j] as number)) / (std[j] as number);
      }
    } else {
      buf.set(src.subarray(r * dim, (r + 1) * dim), i * dim);
    }
    ys[i] = data.labels[p] as number;
  });
  return { x: tf.tensor2d(buf, [rows.length, dim]), y: tf.tensor1d(ys, 'int32'), ys };
}

/** Rows whose arg-max of `logits` (row-major [n, C]) equals the label. */
function countHits(logits: Float32Array | Int32Array | Uint8Array, labels: Int32Array, C: number): number {
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if ((logits[i * C + c] as number) > (logits[i * C + best] as number)) best = c;
    if (best === labels[i]) hits++;
  }
  return hits;
}

/** Loss (class-weighted, like training) and accuracy of the head on a labelled set, batched. */
export async function evaluateHead(
  model: tfl.LayersModel,
  data: LabelledFeatures,
  classWeights: Float32Array,
  options: { batchSize: number; standardizer?: Standardizer },
): Promise<{ loss: number; accuracy: number }> {
  const n = data.labels.length;
  if (n === 0) return { loss: NaN, accuracy: NaN };
  let lossSum = 0;
  let weightSum = 0;
  let correct = 0;
  const cw = tf.tensor1d(classWeights);
  try {
    for (let start = 0; start < n; start += options.batchSize) {
      const rows = Array.from({ length: Math.min(options.batchSize, n - start) }, (_, i) => start + i);
      const { x, y } = batchTensors(data, rows, options.standardizer);
      const [l, w, c] = tf.tidy(() => {
        const logits = headLogits(model, x, { training: false });
        const weights = tf.gather(cw, y);
        const loss = tf.mul(weightedCrossEntropy(logits, y, cw), tf.sum(weights));
        const hits = tf.sum(tf.cast(tf.equal(tf.cast(tf.argMax(logits, 1), 'int32'), y), 'int32'));
        return [loss, tf.sum(weights), hits];
      });
      const [lv, wv, cv] = await Promise.all([l.data(), w.data(), c.data()]);
      tf.dispose([x, y, l, w, c]);
      lossSum += lv[0] as number;
      weightSum += wv[0] as number;
      correct += cv[0] as number;
    }
  } finally {
    cw.dispose();
  }
  return { loss: lossSum / weightSum, accuracy: correct / n };
}

export async function fitHead(
  model: tfl.LayersModel,
  train: LabelledFeatures,
  validation: LabelledFeatures,
  options: FitHeadOptions,
): Promise<FitResult> {
  const n = train.labels.length;
  if (n === 0) throw new TrainingError('The training split is empty', 'use a larger dataset or other split ratios');
  const vars = headVariables(model);
  const optimizer = tf.train.adam(options.learningRate);
  const cw = tf.tensor1d(options.classWeights);
  const shuffleRng = createRng(deriveSeed(options.seed, 'shuffle'));
  const dropoutRng = createRng(deriveSeed(options.seed, 'dropout'));
  const yielder = createYielder(options.signal);
  const history: EpochStats[] = [];
  const hasValidation = validation.labels.length > 0;
  let best: { loss: number; epoch: number; weights: tf.Tensor[] } | undefined;
  let sinceBest = 0;
  let stoppedEarly = false;
  const batches = Math.ceil(n / options.batchSize);
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const t0 = performance.now();
      const order = shuffleRng.shuffle(Array.from({ length: n }, (_, i) => i));
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < batches; b++) {
        await yielder.maybeYield();
        const rows = order.slice(b * options.batchSize, (b + 1) * options.batchSize);
        const { x, y, ys } = batchTensors(train, rows, options.standardizer);
        const dropoutSeed = dropoutRng.nextUint32();
        let logits: tf.Tensor2D | undefined;
        const { value, grads } = tf.variableGrads(() => {
          logits = tf.keep(headLogits(model, x, { training: true, dropoutSeed }));
          return weightedCrossEntropy(logits, y, cw);
        }, vars);
        optimizer.applyGradients(grads as Record<string, tf.Variable>);
        const [lv, lg] = await Promise.all([value.data(), (logits as tf.Tensor2D).data()]);
        tf.dispose([x, y, value, logits as tf.Tensor2D, ...Object.values(grads)]);
        correct += countHits(lg, ys, (logits as tf.Tensor2D).shape[1]);
        lossSum += (lv[0] as number) * rows.length;
        options.onBatch?.(b + 1, batches);
      }
      const val = hasValidation
        ? await evaluateHead(model, validation, options.classWeights, {
            batchSize: Math.max(options.batchSize, 256),
            standardizer: options.standardizer,
          })
        : { loss: NaN, accuracy: NaN };
      const stats: EpochStats = {
        epoch,
        trainLoss: lossSum / n,
        trainAccuracy: correct / n,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        ms: performance.now() - t0,
      };
      history.push(stats);
      options.onEpoch?.(stats);
      if (!hasValidation || options.patience <= 0) continue;
      if (!best || val.loss < best.loss - 1e-7) {
        if (best) tf.dispose(best.weights);
        best = { loss: val.loss, epoch, weights: vars.map((v) => tf.clone(v)) };
        sinceBest = 0;
      } else if (++sinceBest >= options.patience) {
        stoppedEarly = epoch < options.epochs;
        break;
      }
    }
    if (best) vars.forEach((v, i) => v.assign(best!.weights[i] as tf.Tensor));
    return { history, bestEpoch: best?.epoch ?? history.length, stoppedEarly };
  } finally {
    if (best) tf.dispose(best.weights);
    cw.dispose();
    optimizer.dispose();
  }
}

/** Class probabilities [n, classes] (row-major) of the head for raw (unstandardised) features. */
export async function predictHead(
  model: tfl.LayersModel,
  features: FeatureMatrix,
  options: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<Float32Array> {
  const { dim, data } = features;
  const n = data.length / dim;
  const batchSize = options.batchSize ?? 512;
  const numClasses = (model.outputs[0]?.shape[1] as number | undefined) ?? 0; // softmax width = classes
  const out = new Float32Array(n * numClasses);
  const yielder = createYielder(options.signal);
  for (let start = 0; start < n; start += batchSize) {
    await yielder.maybeYield();
    const count = Math.min(batchSize, n - start);
    // the layers applied directly (not model.predict: its graph executor costs ~1 ms per call, the whole
    // budget of a single-text classify); same kernels, same numbers
    const probs = tf.tidy(() => {
      const x = tf.tensor2d(data.subarray(start * dim, (start + count) * dim), [count, dim]);
      return tf.softmax(headLogits(model, x, { training: false }));
    });
    out.set(await probs.data(), start * numClasses);
    probs.dispose();
  }
  return out;
}
