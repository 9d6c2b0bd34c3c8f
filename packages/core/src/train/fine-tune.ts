/**
 * End-to-end fine-tuning: the top k encoder layers (+ the pooler when pooling 'pooler') are trained together
 * with the head. Custom loop: tf.variableGrads → clip by global norm → Adam (a lower learning rate for the
 * encoder, a second optimiser for the head). Dynamic padding with length-bucketed, seeded batches; one batch of
 * tensors alive at a time; early stopping on the validation loss with the best weights restored.
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
import type { BertEncoder, PaddedBatch } from '../encoder/types';
import { padBatch } from '../features/embed-batches';
import { headLogits, headVariables } from '../head/model';
import type { EpochStats } from '../head/types';
import { poolOutput } from '../pooling/pool';
import type { Encoding } from '../tokenizer/types';
import { bucketedBatches } from './batches';
import { weightedCrossEntropy } from './loss';
import { createRng, deriveSeed } from './random';
import type { TrainPooling } from './types';
import { useFastWasmBatchMatMul } from './wasm-matmul';
import { createYielder } from './yield';
import { kernelTrainerFor, type FineTuneEngine } from './kernel-fine-tune';
import type { KernelTrainer } from '../kernel/trainer';
import type { KernelSpawner } from '../kernel/spawn';

export const FROZEN_EMBEDDING = WORD_EMBEDDINGS;

/** The encoder variables un-frozen for `layers` (k top layers, or 'all'), by canonical name. */
export function fineTuneVariables(
  encoder: BertEncoder,
  layers: number | 'all',
  pooling: TrainPooling,
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
  pooling: TrainPooling;
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

/** Loss with the encoder in inference mode, batched (validation). */
async function evaluate(
  o: FineTuneOptions,
  set: FineTuneSet,
  cw: tf.Tensor1D,
  kernel: KernelTrainer | undefined,
): Promise<{ loss: number; accuracy: number }> {
  let lossSum = 0;
  let weightSum = 0;
  let correct = 0;
  const rng = createRng(0);
  const yielder = createYielder(o.signal);
  for (const rows of bucketedBatches(set.rows, o.encodings, Math.max(o.batchSize, 64), rng)) {
    await yielder.maybeYield();
    const batch = padBatch(o.encodings, rows, o.flattenLength, o.encoder.config.padTokenId);
    const ys = Int32Array.from(rows, (r) => set.labels[r] as number);
    if (kernel) {
      const r = await kernel.evaluate(batch, ys);
      [lossSum, weightSum, correct] = [lossSum + r.lossSum, weightSum + r.weightSum, correct + r.correct];
      continue;
    }
    const parts = tf.tidy(() => {
      const y = tf.tensor1d(ys, 'int32');
      const logits = logitsFor(o, batch, false, 0);
      const w = tf.gather(cw, y);
      return [
        tf.mul(weightedCrossEntropy(logits, y, cw), tf.sum(w)),
        tf.sum(w),
        tf.sum(tf.cast(tf.equal(tf.cast(tf.argMax(logits, 1), 'int32'), y), 'int32')),
      ];
    });
    const values = await Promise.all(parts.map((t) => t.data()));
    tf.dispose(parts);
    lossSum += values[0]![0] as number;
    weightSum += values[1]![0] as number;
    correct += values[2]![0] as number;
  }
  return { loss: lossSum / weightSum, accuracy: correct / set.rows.length };
}

function clipByGlobalNorm(grads: tf.NamedTensorMap, clipNorm: number): tf.NamedTensorMap {
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
  if (train.rows.length === 0) throw new TrainingError('The training split is empty');
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
  const yielder = createYielder(o.signal);
  const history: EpochStats[] = [];
  const hasValidation = validation.rows.length > 0 && o.patience > 0;
  let best: { loss: number; epoch: number; weights: tf.Tensor[] } | undefined;
  let sinceBest = 0;
  let stoppedEarly = false;
  let kernel: KernelTrainer | undefined;
  try {
    kernel = await kernelTrainerFor(o);
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const t0 = performance.now();
      const batches = bucketedBatches(train.rows, o.encodings, o.batchSize, batchRng);
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < batches.length; b++) {
        await yielder.maybeYield();
        const rows = batches[b]!;
        const batch = padBatch(o.encodings, rows, o.flattenLength, o.encoder.config.padTokenId);
        if (kernel) {
          const r = await kernel.step(
            batch,
            Int32Array.from(rows, (i) => train.labels[i] as number),
            dropoutRng.nextUint32(),
          );
          if (!Number.isFinite(r.loss)) {
            throw new TrainingError('The training loss became NaN/Infinity', 'lower the learning rates or clip-norm');
          }
          lossSum += r.loss * rows.length;
          correct += r.correct;
          o.onBatch?.(b + 1, batches.length);
          continue;
        }
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
        const headGrads: tf.NamedTensorMap = {};
        const encGrads: tf.NamedTensorMap = {};
        for (const [name, g] of Object.entries(clipped)) (headNames.has(name) ? headGrads : encGrads)[name] = g;
        headOpt.applyGradients(headGrads as Record<string, tf.Variable>);
        if (Object.keys(encGrads).length > 0) encOpt.applyGradients(encGrads as Record<string, tf.Variable>);
        const [lv, hv] = await Promise.all([value.data(), (hits as tf.Scalar).data()]);
        tf.dispose([y, value, hits as tf.Scalar, ...Object.values(clipped)]);
        if (!Number.isFinite(lv[0] as number)) {
          throw new TrainingError('The training loss became NaN/Infinity', 'lower the learning rates or clip-norm');
        }
        lossSum += (lv[0] as number) * rows.length;
        correct += hv[0] as number;
        o.onBatch?.(b + 1, batches.length);
      }
      kernel?.writeToVariables(); // the variables hold this epoch's weights (best-weights snapshot, the result)
      const val = validation.rows.length > 0 ? await evaluate(o, validation, cw, kernel) : { loss: NaN, accuracy: NaN };
      const stats: EpochStats = {
        epoch,
        trainLoss: lossSum / train.rows.length,
        trainAccuracy: correct / train.rows.length,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        ms: performance.now() - t0,
      };
      history.push(stats);
      o.onEpoch?.(stats);
      if (!hasValidation) continue;
      if (!best || val.loss < best.loss - 1e-7) {
        if (best) tf.dispose(best.weights);
        best = { loss: val.loss, epoch, weights: all.map((v) => tf.clone(v)) };
        sinceBest = 0;
      } else if (++sinceBest >= o.patience) {
        stoppedEarly = epoch < o.epochs;
        break;
      }
    }
    if (best) all.forEach((v, i) => v.assign(best!.weights[i] as tf.Tensor));
    return {
      history,
      bestEpoch: best?.epoch ?? history.length,
      stoppedEarly,
      trainedVariables: [...encVars.keys()],
      engine: kernel ? 'kernel' : 'tfjs',
    };
  } finally {
    kernel?.dispose();
    if (best) tf.dispose(best.weights);
    all.forEach((v, i) => (v.trainable = wasTrainable[i] as boolean));
    cw.dispose();
    headOpt.dispose();
    encOpt.dispose();
  }
}
