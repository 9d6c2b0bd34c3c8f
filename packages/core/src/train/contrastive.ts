/**
 * Few-shot training, SetFit-style: contrastive tuning of the encoder's top layers on pairs of labelled examples
 * (train/pairs.ts), loss = SetFit's CosineSimilarityLoss — the mean squared difference between cos(u, v) of the two
 * pooled embeddings and the pair's target (1 same class, 0 different). Run by the one training loop (loop.ts):
 * seeded pairs and batches, AbortSignal between batches, progress callbacks. The head is trained afterwards on the
 * tuned encoder's features (train/few-shot-stage.ts).
 *
 * The pair embeddings are taken from the batch's pooled vectors with one-hot selection matrices (a matMul) rather
 * than tf.gather, whose gradient needs UnsortedSegmentSum, which tfjs-backend-wasm 4.22 lacks.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BertEncoder } from '../encoder/types.ts';
import { TrainingError } from '../errors.ts';
import { padBatch } from '../features/batches.ts';
import type { EpochStats } from '../head/types.ts';
import { poolOutput } from '../pooling/pool.ts';
import { useFastWasmBatchMatMul } from '../runtime/wasm-matmul.ts';
import type { Encoding } from '../tokenizer/types.ts';
import { createRng, deriveSeed } from '../util/random.ts';
import type { ClassifierPooling } from '../vocabulary.ts';
import { clipByGlobalNorm, fineTuneVariables } from './fine-tune.ts';
import { fitLoop, progressCallback, type TrainSteps } from './loop.ts';
import { samplePairs } from './pairs.ts';

/** cos(uᵢ, vᵢ) per row: uᵢ·vᵢ / max(‖uᵢ‖‖vᵢ‖, 1e-8) (torch's cosine_similarity). Call inside tf.tidy. */
export function pairCosines(u: tf.Tensor2D, v: tf.Tensor2D): tf.Tensor1D {
  const dot = tf.sum(tf.mul(u, v), 1);
  const norms = tf.mul(tf.norm(u, 'euclidean', 1), tf.norm(v, 'euclidean', 1));
  return tf.div(dot, tf.maximum(norms, 1e-8));
}

/** SetFit's CosineSimilarityLoss: mean over pairs of (cos(uᵢ, vᵢ) − targetᵢ)². Call inside tf.tidy. */
export function cosineSimilarityLoss(u: tf.Tensor2D, v: tf.Tensor2D, target: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.square(tf.sub(pairCosines(u, v), target)));
}

export interface ContrastiveOptions {
  readonly encoder: BertEncoder;
  readonly encodings: readonly Encoding[];
  /** The labelled examples: positions in `encodings`, and their classes (aligned). */
  readonly rows: readonly number[];
  readonly labels: ArrayLike<number>;
  /** mean, cls or pooler (the embedding the head will see). */
  readonly pooling: ClassifierPooling;
  readonly layers: number | 'all';
  /** Pairs per epoch (half positive, half negative). */
  readonly pairs: number;
  readonly epochs: number;
  /** Pairs per batch. */
  readonly batchSize: number;
  readonly learningRate: number;
  readonly clipNorm: number;
  readonly seed: number;
  readonly signal?: AbortSignal | undefined;
  readonly onEpoch?: ((stats: EpochStats) => void) | undefined;
  readonly onBatch?: ((done: number, total: number) => void) | undefined;
}

export interface ContrastiveResult {
  /** Per epoch: trainLoss = mean CosineSimilarityLoss, trainAccuracy = pairs with cos on the target's side of 0.5. */
  readonly history: EpochStats[];
  /** Names of the encoder variables that were tuned. */
  readonly trainedVariables: string[];
}

/** A [pairs, unique] one-hot matrix selecting each pair's text among the batch's unique texts. */
function selector(picks: readonly number[], unique: readonly number[]): tf.Tensor2D {
  const col = new Map(unique.map((r, i) => [r, i] as const));
  const m = new Float32Array(picks.length * unique.length);
  picks.forEach((r, i) => (m[i * unique.length + col.get(r)!] = 1));
  return tf.tensor2d(m, [picks.length, unique.length]);
}

export async function contrastiveTune(o: ContrastiveOptions): Promise<ContrastiveResult> {
  if (o.pooling === 'flatten') {
    throw new TrainingError("Few-shot training needs pooling mean, cls or pooler, not 'flatten'", 'use pooling mean');
  }
  useFastWasmBatchMatMul();
  const vars = fineTuneVariables(o.encoder, o.layers, o.pooling);
  if (vars.size === 0) throw new TrainingError('Few-shot training needs at least 1 encoder layer to tune');
  const list = [...vars.values()];
  const wasTrainable = list.map((v) => v.trainable);
  list.forEach((v) => (v.trainable = true));
  const optimizer = tf.train.adam(o.learningRate);
  const pairs = samplePairs(o.labels, o.pairs, o.seed);
  const batchRng = createRng(deriveSeed(o.seed, 'contrastive:batches'));
  const dropoutRng = createRng(deriveSeed(o.seed, 'contrastive:dropout'));
  const n = pairs.target.length;
  const steps: TrainSteps = {
    size: n,
    batches() {
      const order = batchRng.shuffle(Array.from({ length: n }, (_, i) => i));
      const out: number[][] = [];
      for (let s = 0; s < n; s += o.batchSize) out.push(order.slice(s, s + o.batchSize));
      return out;
    },
    async step(batchPairs) {
      const ra = batchPairs.map((p) => o.rows[pairs.a[p]!]!);
      const rb = batchPairs.map((p) => o.rows[pairs.b[p]!]!);
      const unique = [...new Set([...ra, ...rb])];
      const batch = padBatch(o.encodings, unique, undefined, o.encoder.config.padTokenId);
      const sa = selector(ra, unique);
      const sb = selector(rb, unique);
      const target = tf.tensor1d(Float32Array.from(batchPairs, (p) => pairs.target[p]!));
      const seed = dropoutRng.nextUint32();
      let cos: tf.Tensor1D | undefined;
      let value: tf.Scalar | undefined;
      let clipped: tf.NamedTensorMap = {};
      try {
        const r = tf.variableGrads(() => {
          const out = o.encoder.forward(batch, { pooler: o.pooling === 'pooler', training: true, seed });
          const mask = tf.tensor2d(batch.attentionMask, [batch.batchSize, batch.seqLen], 'int32');
          const pooled = poolOutput(out, mask, o.pooling);
          const u = tf.matMul(sa, pooled) as tf.Tensor2D;
          const v = tf.matMul(sb, pooled) as tf.Tensor2D;
          cos = tf.keep(pairCosines(u, v));
          return cosineSimilarityLoss(u, v, target);
        }, list);
        value = r.value;
        clipped = clipByGlobalNorm(r.grads, o.clipNorm);
        tf.dispose(Object.values(r.grads));
        optimizer.applyGradients(clipped as Record<string, tf.Variable>);
        const [lv, cv] = await Promise.all([value.data(), cos!.data()]);
        let correct = 0;
        batchPairs.forEach((p, i) => {
          if (cv[i]! > 0.5 === (pairs.target[p] === 1)) correct++;
        });
        return { loss: lv[0]! * batchPairs.length, correct };
      } finally {
        tf.dispose([sa, sb, target, ...(value ? [value] : []), ...(cos ? [cos] : []), ...Object.values(clipped)]);
      }
    },
    validate: async () => undefined,
  };
  try {
    const { history } = await fitLoop(steps, {
      epochs: o.epochs,
      signal: o.signal,
      callbacks: [progressCallback(o.onEpoch, o.onBatch)],
    });
    return { history, trainedVariables: [...vars.keys()] };
  } finally {
    list.forEach((v, i) => (v.trainable = wasTrainable[i] as boolean));
    optimizer.dispose();
  }
}
