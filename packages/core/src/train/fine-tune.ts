/**
 * End-to-end fine-tuning: the top k encoder layers (+ the pooler when pooling 'pooler') are trained together
 * with the head. Custom loop: tf.variableGrads → clip by global norm → Adam (a lower learning rate for the
 * encoder, a second optimiser for the head), run by the one training loop (loop.ts). Dynamic padding with
 * length-bucketed, seeded batches; one batch of tensors alive at a time; early stopping on the validation loss with
 * the best weights restored.
 *
 * The word-embedding table is never trained, even with 'all': its lookup is a tf.gather whose gradient needs
 * UnsortedSegmentSum, which tfjs-backend-wasm 4.22 lacks (position / token-type embeddings and the embedding
 * LayerNorm are trained with 'all').
 */
import * as tf from '@tensorflow/tfjs-core';
import { WORD_EMBEDDINGS } from '../encoder/weight-map';
// Gradients are registered by @tensorflow/tfjs-layers (imported through ../head/model).
import type * as tfl from '@tensorflow/tfjs-layers';
import { TrainingError } from '../errors';
import { earlyStopping } from './early-stopping';
import { evaluateLoss } from './evaluate';
import { fitLoop, progressCallback, type TrainSteps } from './loop';
import type { BertEncoder, PaddedBatch } from '../encoder/types';
import { padBatch } from '../features/batches';
import { headLogits, headVariables } from '../head/model';
import type { EpochStats } from '../head/types';
import { poolOutput } from '../pooling/pool';
import type { Encoding } from '../tokenizer/types';
import { bucketedBatches } from './batches';
import { weightedCrossEntropy } from './loss';
import { createRng, deriveSeed } from '../util/random';
import type { ClassifierPooling } from '../vocabulary';
import { useFastWasmBatchMatMul } from '../runtime/wasm-matmul';

export const FROZEN_EMBEDDING = WORD_EMBEDDINGS;

/** The encoder variables un-frozen for `layers` (k top layers, or 'all'), by canonical name. */
export function fineTuneVariables(
  encoder: BertEncoder,
  layers: number | 'all',
  pooling: ClassifierPooling,
): Map<string, tf.Variable> {
  const n = encoder.config.numHiddenLayers;
  const k = layers === 'all' ? n : layers;
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new TrainingError(`fineTuneLayers must be 0…${n} or 'all' for this ${n}-layer model, got ${String(layers)}`);
  }
  const picked = new Map<string, tf.Variable>();
  if (k === 0) return picked;
  const ids = new Set<tf.Variable>();
  for (let i = n - k; i < n; i++) for (const v of encoder.layerVariables(i)) ids.add(v);
  for (const [name, v] of encoder.variables) {
    const isPooler = name.startsWith('pooler.');
    const isEmbedding = name.startsWith('embeddings.');
    if (
      ids.has(v) ||
      (isPooler && pooling === 'pooler') ||
      (layers === 'all' && isEmbedding && name !== FROZEN_EMBEDDING)
    ) {
      picked.set(name, v);
    }
  }
  return picked;
}

export interface FineTuneSet {
  readonly rows: readonly number[];
  /** Class index per row of `rows`' index space (labels[rows[i]]). */
  readonly labels: Int32Array;
}

export interface FineTuneOptions {
  encoder: BertEncoder;
  head: tfl.LayersModel;
  encodings: readonly Encoding[];
  pooling: ClassifierPooling;
  normalize: boolean;
  /** 'flatten' only. */
  flattenLength?: number;
  layers: number | 'all';
  epochs: number;
  batchSize: number;
  headLearningRate: number;
  encoderLearningRate: number;
  clipNorm: number;
  classWeights: Float32Array;
  patience: number;
  seed: number;
  signal?: AbortSignal;
  onEpoch?: (stats: EpochStats) => void;
  onBatch?: (done: number, total: number) => void;
}

export interface FineTuneResult {
  readonly history: EpochStats[];
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
  /** Names of the encoder variables that were trained. */
  readonly trainedVariables: string[];
}

function logitsFor(o: FineTuneOptions, batch: PaddedBatch, training: boolean, seed: number): tf.Tensor2D {
  const out = o.encoder.forward(batch, { pooler: o.pooling === 'pooler', training, seed });
  const mask = tf.tensor2d(batch.attentionMask, [batch.batchSize, batch.seqLen], 'int32');
  const pooled = poolOutput(out, mask, o.pooling, { normalize: o.normalize, flattenLength: o.flattenLength });
  return headLogits(o.head, pooled, { training, dropoutSeed: seed });
}

/** Loss with the encoder in inference mode, batched (validation). */
function evaluate(o: FineTuneOptions, set: FineTuneSet): Promise<{ loss: number; accuracy: number }> {
  const rng = createRng(0);
  const batches = bucketedBatches(set.rows, o.encodings, Math.max(o.batchSize, 64), rng);
  return evaluateLoss(
    batches,
    set.rows.length,
    (rows) => {
      const batch = padBatch(o.encodings, rows, o.flattenLength, o.encoder.config.padTokenId);
      const labels = tf.tensor1d(
        Int32Array.from(rows, (r) => set.labels[r] as number),
        'int32',
      );
      return { logits: logitsFor(o, batch, false, 0), labels };
    },
    o.classWeights,
    o.signal,
  );
}

/** Gradients scaled so their global norm is at most `clipNorm` (new tensors; the caller disposes both sets). */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, clipNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const tensors = Object.values(grads);
    // Summed pairwise, not with tf.addN: WebGPU's AddN binds one storage buffer per input, and a device with the
    // default limit of 8 per shader stage (SwiftShader; many GPUs) rejects the pipeline and returns garbage silently.
    const squares = tensors.map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(squares.reduce((a, b) => tf.add(a, b)));
    const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
    const out: tf.NamedTensorMap = {};
    for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, scale);
    return out;
  });
}

export async function fineTune(
  o: FineTuneOptions,
  train: FineTuneSet,
  validation: FineTuneSet,
): Promise<FineTuneResult> {
  useFastWasmBatchMatMul();
  const encVars = fineTuneVariables(o.encoder, o.layers, o.pooling);
  const headVars = headVariables(o.head);
  const headNames = new Set(headVars.map((v) => v.name));
  const all = [...encVars.values(), ...headVars];
  const wasTrainable = all.map((v) => v.trainable);
  all.forEach((v) => (v.trainable = true));
  const headOpt = tf.train.adam(o.headLearningRate);
  const encOpt = tf.train.adam(o.encoderLearningRate);
  const cw = tf.tensor1d(o.classWeights);
  const batchRng = createRng(deriveSeed(o.seed, 'fine-tune:batches'));
  const dropoutRng = createRng(deriveSeed(o.seed, 'fine-tune:dropout'));
  const hasValidation = validation.rows.length > 0;
  const steps: TrainSteps = {
    size: train.rows.length,
    batches: () => bucketedBatches(train.rows, o.encodings, o.batchSize, batchRng),
    async step(rows) {
      const batch = padBatch(o.encodings, rows, o.flattenLength, o.encoder.config.padTokenId);
      const y = tf.tensor1d(
        Int32Array.from(rows, (r) => train.labels[r] as number),
        'int32',
      );
      const seed = dropoutRng.nextUint32();
      let hits: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logits = logitsFor(o, batch, true, seed);
        hits = tf.keep<tf.Scalar>(tf.sum(tf.cast(tf.equal(tf.cast(tf.argMax(logits, 1), 'int32'), y), 'int32')));
        return weightedCrossEntropy(logits, y, cw);
      }, all);
      const clipped = clipByGlobalNorm(grads, o.clipNorm);
      tf.dispose(Object.values(grads));
      try {
        const headGrads: tf.NamedTensorMap = {};
        const encGrads: tf.NamedTensorMap = {};
        for (const [name, g] of Object.entries(clipped)) (headNames.has(name) ? headGrads : encGrads)[name] = g;
        headOpt.applyGradients(headGrads as Record<string, tf.Variable>);
        if (Object.keys(encGrads).length > 0) encOpt.applyGradients(encGrads as Record<string, tf.Variable>);
        const [lv, hv] = await Promise.all([value.data(), hits!.data()]);
        return { loss: (lv[0] as number) * rows.length, correct: hv[0] as number };
      } finally {
        tf.dispose([y, value, hits!, ...Object.values(clipped)]);
      }
    },
    validate: async () => (hasValidation ? evaluate(o, validation) : undefined),
  };
  const stopper = earlyStopping(all, hasValidation ? o.patience : 0);
  try {
    const { history, stoppedEarly } = await fitLoop(steps, {
      epochs: o.epochs,
      signal: o.signal,
      callbacks: [progressCallback(o.onEpoch, o.onBatch), stopper],
    });
    return {
      history,
      bestEpoch: stopper.bestEpoch ?? history.length,
      stoppedEarly,
      trainedVariables: [...encVars.keys()],
    };
  } finally {
    all.forEach((v, i) => (v.trainable = wasTrainable[i] as boolean));
    cw.dispose();
    headOpt.dispose();
    encOpt.dispose();
  }
}
