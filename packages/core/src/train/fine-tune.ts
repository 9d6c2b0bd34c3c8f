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
import { WORD_EMBEDDINGS } from '../encoder/weight-map.ts';
// Gradients are registered by @tensorflow/tfjs-layers (imported through ../head/model).
import type * as tfl from '@tensorflow/tfjs-layers';
import { TrainingError } from '../errors.ts';
import { earlyStopping } from './early-stopping.ts';
import { evaluateLoss } from './evaluate.ts';
import { kernelTrainerFor, type FineTuneEngine } from './kernel-fine-tune.ts';
import { fitLoop, progressCallback, type TrainSteps } from './loop.ts';
import { createYielder } from '../util/yield.ts';
import type { KernelSpawner } from '../kernel/spawn.ts';
import type { KernelTrainer } from '../kernel/trainer.ts';
import type { BertEncoder, PaddedBatch } from '../encoder/types.ts';
import { padBatch } from '../features/batches.ts';
import { headLogits, headVariables } from '../head/model.ts';
import type { EpochStats } from '../head/types.ts';
import { poolOutput } from '../pooling/pool.ts';
import type { Encoding } from '../tokenizer/types.ts';
import { bucketedBatches } from './batches.ts';
import { weightedCrossEntropy } from './loss.ts';
import { createRng, deriveSeed } from '../util/random.ts';
import type { ClassifierPooling } from '../vocabulary.ts';
import { useFastWasmBatchMatMul } from '../runtime/wasm-matmul.ts';

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
  /** Which engine computes the steps (kernel-fine-tune.ts). Default 'auto'. */
  engine?: FineTuneEngine;
  /** Workers of the model's kernel engine, when it has one ('auto' uses the kernel only then). */
  kernelThreads?: number;
  kernelSpawner?: KernelSpawner;
}

export interface FineTuneResult {
  readonly history: EpochStats[];
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
  /** Names of the encoder variables that were trained. */
  readonly trainedVariables: string[];
  /** Which engine computed the steps. */
  readonly engine: 'kernel' | 'tfjs';
}

function logitsFor(o: FineTuneOptions, batch: PaddedBatch, training: boolean, seed: number): tf.Tensor2D {
  const out = o.encoder.forward(batch, { pooler: o.pooling === 'pooler', training, seed });
  const mask = tf.tensor2d(batch.attentionMask, [batch.batchSize, batch.seqLen], 'int32');
  const pooled = poolOutput(out, mask, o.pooling, { normalize: o.normalize, flattenLength: o.flattenLength });
  return headLogits(o.head, pooled, { training, dropoutSeed: seed });
}

/** The validation batches: bucketed by length, in a fixed order. */
const validationBatches = (o: FineTuneOptions, set: FineTuneSet): number[][] =>
  bucketedBatches(set.rows, o.encodings, Math.max(o.batchSize, 64), createRng(0));

/** Loss with the encoder in inference mode, batched (validation). */
function evaluate(o: FineTuneOptions, set: FineTuneSet): Promise<{ loss: number; accuracy: number }> {
  return evaluateLoss(
    validationBatches(o, set),
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

/** The same validation on the kernel trainer (its loss and weight sums, like evaluateLoss's). */
async function evaluateOnKernel(
  o: FineTuneOptions,
  set: FineTuneSet,
  kernel: KernelTrainer,
): Promise<{ loss: number; accuracy: number }> {
  let lossSum = 0;
  let weightSum = 0;
  let correct = 0;
  const yielder = createYielder(o.signal);
  for (const rows of validationBatches(o, set)) {
    await yielder.maybeYield();
    const batch = padBatch(o.encodings, rows, o.flattenLength, o.encoder.config.padTokenId);
    const r = await kernel.evaluate(
      batch,
      Int32Array.from(rows, (i) => set.labels[i] as number),
    );
    lossSum += r.lossSum;
    weightSum += r.weightSum;
    correct += r.correct;
  }
  return { loss: lossSum / weightSum, accuracy: correct / set.rows.length };
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
  const all = [...encVars.values(), ...headVars];
  const wasTrainable = all.map((v) => v.trainable);
  all.forEach((v) => (v.trainable = true));
  const batchRng = createRng(deriveSeed(o.seed, 'fine-tune:batches'));
  const dropoutRng = createRng(deriveSeed(o.seed, 'fine-tune:dropout'));
  const hasValidation = validation.rows.length > 0;
  const batches = () => bucketedBatches(train.rows, o.encodings, o.batchSize, batchRng);
  const pad = (rows: readonly number[]) => padBatch(o.encodings, rows, o.flattenLength, o.encoder.config.padTokenId);
  const labelsOf = (rows: readonly number[]) => Int32Array.from(rows, (r) => train.labels[r] as number);
  let kernel: KernelTrainer | undefined;
  let tfjs: (TrainSteps & { dispose(): void }) | undefined;
  try {
    kernel = await kernelTrainerFor(o);
    const k = kernel;
    const steps: TrainSteps = k
      ? {
          size: train.rows.length,
          batches,
          async step(rows) {
            const r = await k.step(pad(rows), labelsOf(rows), dropoutRng.nextUint32());
            return { loss: r.loss * rows.length, correct: r.correct };
          },
          async validate() {
            k.writeToVariables(); // the variables hold this epoch's weights (best-weights snapshot, the result)
            return hasValidation ? evaluateOnKernel(o, validation, k) : undefined;
          },
        }
      : (tfjs = tfjsSteps(o, headVars, all, train, { batches, pad, labelsOf, dropoutRng }, () =>
          hasValidation ? evaluate(o, validation) : Promise.resolve(undefined),
        ));
    const stopper = earlyStopping(all, hasValidation ? o.patience : 0);
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
      engine: kernel ? 'kernel' : 'tfjs',
    };
  } finally {
    kernel?.dispose();
    tfjs?.dispose();
    all.forEach((v, i) => (v.trainable = wasTrainable[i] as boolean));
  }
}

/**
 * The TF.js steps: tf.variableGrads → clip by global norm → Adam, with a lower learning rate for the encoder and a
 * second optimiser for the head.
 */
function tfjsSteps(
  o: FineTuneOptions,
  headVars: readonly tf.Variable[],
  all: readonly tf.Variable[],
  train: FineTuneSet,
  plan: {
    readonly batches: () => number[][];
    readonly pad: (rows: readonly number[]) => PaddedBatch;
    readonly labelsOf: (rows: readonly number[]) => Int32Array;
    readonly dropoutRng: ReturnType<typeof createRng>;
  },
  validate: TrainSteps['validate'],
): TrainSteps & { dispose(): void } {
  const headNames = new Set(headVars.map((v) => v.name));
  const headOpt = tf.train.adam(o.headLearningRate);
  const encOpt = tf.train.adam(o.encoderLearningRate);
  const cw = tf.tensor1d(o.classWeights);
  return {
    size: train.rows.length,
    batches: plan.batches,
    async step(rows) {
      const batch = plan.pad(rows);
      const y = tf.tensor1d(plan.labelsOf(rows), 'int32');
      const seed = plan.dropoutRng.nextUint32();
      let hits: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const logits = logitsFor(o, batch, true, seed);
        hits = tf.keep<tf.Scalar>(tf.sum(tf.cast(tf.equal(tf.cast(tf.argMax(logits, 1), 'int32'), y), 'int32')));
        return weightedCrossEntropy(logits, y, cw);
      }, all as tf.Variable[]);
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
    validate,
    dispose() {
      cw.dispose();
      headOpt.dispose();
      encOpt.dispose();
    },
  };
}
