/**
 * Trains the head on precomputed features with the one training loop (loop.ts): seeded shuffling, Adam, class
 * weights, early stopping on the VALIDATION loss with the best weights restored. No full-dataset tensors: one batch
 * at a time.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { headLogits, headVariables } from '../head/model.ts';
import type { EpochStats, FeatureMatrix, Standardizer } from '../head/types.ts';
import { createRng, deriveSeed } from '../util/random.ts';
import { earlyStopping } from './early-stopping.ts';
import { evaluateLoss } from './evaluate.ts';
import { fitLoop, progressCallback, type TrainSteps } from './loop.ts';
import { weightedCrossEntropy } from './loss.ts';

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
  options: { batchSize: number; standardizer?: Standardizer | undefined; signal?: AbortSignal | undefined },
): Promise<{ loss: number; accuracy: number }> {
  const n = data.labels.length;
  const batches: number[][] = [];
  for (let start = 0; start < n; start += options.batchSize) {
    batches.push(Array.from({ length: Math.min(options.batchSize, n - start) }, (_, i) => start + i));
  }
  return evaluateLoss(
    batches,
    n,
    (rows) => {
      const { x, y } = batchTensors(data, rows, options.standardizer);
      return { logits: headLogits(model, x, { training: false }), labels: y };
    },
    classWeights,
    options.signal,
  );
}

export async function fitHead(
  model: tfl.LayersModel,
  train: LabelledFeatures,
  validation: LabelledFeatures,
  options: FitHeadOptions,
): Promise<FitResult> {
  const n = train.labels.length;
  const vars = headVariables(model);
  const optimizer = tf.train.adam(options.learningRate);
  const cw = tf.tensor1d(options.classWeights);
  const shuffleRng = createRng(deriveSeed(options.seed, 'shuffle'));
  const dropoutRng = createRng(deriveSeed(options.seed, 'dropout'));
  const hasValidation = validation.labels.length > 0;
  const steps: TrainSteps = {
    size: n,
    batches() {
      const order = shuffleRng.shuffle(Array.from({ length: n }, (_, i) => i));
      const out: number[][] = [];
      for (let b = 0; b * options.batchSize < n; b++)
        out.push(order.slice(b * options.batchSize, (b + 1) * options.batchSize));
      return out;
    },
    async step(rows) {
      const { x, y, ys } = batchTensors(train, rows, options.standardizer);
      const dropoutSeed = dropoutRng.nextUint32();
      let logits: tf.Tensor2D | undefined;
      const { value, grads } = tf.variableGrads(() => {
        logits = tf.keep(headLogits(model, x, { training: true, dropoutSeed }));
        return weightedCrossEntropy(logits, y, cw);
      }, vars);
      try {
        optimizer.applyGradients(grads as Record<string, tf.Variable>);
        const [lv, lg] = await Promise.all([value.data(), logits!.data()]);
        return { loss: (lv[0] as number) * rows.length, correct: countHits(lg, ys, logits!.shape[1]) };
      } finally {
        tf.dispose([x, y, value, logits!, ...Object.values(grads)]);
      }
    },
    validate: async () =>
      hasValidation
        ? evaluateHead(model, validation, options.classWeights, {
            batchSize: Math.max(options.batchSize, 256),
            standardizer: options.standardizer,
          })
        : undefined,
  };
  const stopper = earlyStopping(vars, hasValidation ? options.patience : 0);
  try {
    const { history, stoppedEarly } = await fitLoop(steps, {
      epochs: options.epochs,
      signal: options.signal,
      callbacks: [progressCallback(options.onEpoch, options.onBatch), stopper],
    });
    return { history, bestEpoch: stopper.bestEpoch ?? history.length, stoppedEarly };
  } finally {
    cw.dispose();
    optimizer.dispose();
  }
}
