/**
 * Embedding on an inference engine (the wasm-simd kernel), without TF.js: the plan (length-bucketed batches with
 * dynamic padding), the batch queue (two batches per worker in flight, progress, cancel between batches) and the
 * L2 normalisation. embed.ts adds the TF.js forward on top; the TF.js-free runtime uses this alone.
 */
import type { BertConfig } from '../config/types.ts';
import type { InferenceEngine } from '../encoder/types.ts';
import { throwIfAborted, UsageError } from '../errors.ts';
import { DEFAULT_FLATTEN_LENGTH, pooledDim } from '../pooling/dims.ts';
import type { Encoding } from '../tokenizer/types.ts';
import { yieldToEventLoop } from '../util/yield.ts';
import type { ClassifierPooling } from '../vocabulary.ts';
import { padBatch, planBatches } from './batches.ts';

/** Defaults measured with a bert-tiny-shaped model on wasm (see the encoder's bench notes). */
export const DEFAULT_EMBED_BATCH_SIZE = 64;
export const DEFAULT_MAX_TOKENS_PER_BATCH = 4096;

export interface EmbedOptions {
  pooling: ClassifierPooling;
  /** Most texts per encoder call. Default DEFAULT_EMBED_BATCH_SIZE. */
  batchSize?: number;
  /** Most padded tokens per encoder call (bounds memory with long texts). Default DEFAULT_MAX_TOKENS_PER_BATCH. */
  maxTokensPerBatch?: number;
  /** L2-normalise the vectors. Default false. */
  normalize?: boolean;
  /** 'flatten' only: fixed padded length (the tutorial's 128). */
  flattenLength?: number;
  onProgress?: (done: number, total: number) => void;
  /** Checked between batches; aborting throws CancelledError. */
  signal?: AbortSignal;
}

export interface Embeddings {
  readonly dim: number;
  /** n × dim, row i belongs to encodings[i]. */
  readonly data: Float32Array;
}

/** What embedding needs to know of the model. */
export interface EmbedModel {
  readonly config: BertConfig;
  readonly hasPooler: boolean;
}

export function checkSizes(batchSize: number, maxTokens: number): void {
  if (!(Number.isInteger(batchSize) && batchSize > 0) || !(Number.isInteger(maxTokens) && maxTokens > 0)) {
    throw new UsageError(
      `batchSize and maxTokensPerBatch must be positive integers, got ${batchSize} and ${maxTokens}`,
    );
  }
}

/** An embedding run's batches, output buffer and per-batch helpers (the same for every forward). */
export interface EmbeddingPlan {
  readonly dim: number;
  readonly data: Float32Array;
  readonly batches: number[][];
  readonly normalize: boolean;
  readonly flattenLength: number | undefined;
  /** The padded batch of these encodings. */
  pad(indices: readonly number[]): ReturnType<typeof padBatch>;
  /** Writes a batch's pooled rows (batch order) into the output. */
  place(indices: readonly number[], values: Float32Array): void;
}

export function planEmbedding(model: EmbedModel, encodings: readonly Encoding[], options: EmbedOptions): EmbeddingPlan {
  const kind = options.pooling;
  const batchSize = options.batchSize ?? DEFAULT_EMBED_BATCH_SIZE;
  const flattenLength = kind === 'flatten' ? (options.flattenLength ?? DEFAULT_FLATTEN_LENGTH) : undefined;
  const maxTokens = Math.max(options.maxTokensPerBatch ?? DEFAULT_MAX_TOKENS_PER_BATCH, flattenLength ?? 0);
  checkSizes(batchSize, maxTokens);
  if (kind === 'pooler' && !model.hasPooler) {
    throw new UsageError(
      "This checkpoint has no pooler weights, so pooling 'pooler' is not available",
      'use --pooling mean or cls',
    );
  }
  const dim = pooledDim(kind, model.config.hiddenSize, flattenLength);
  const data = new Float32Array(encodings.length * dim);
  const normalize = options.normalize === true;
  return {
    dim,
    data,
    normalize,
    flattenLength,
    batches: planBatches(encodings, { batchSize, maxTokensPerBatch: maxTokens, fixedLength: flattenLength }),
    pad: (indices) => padBatch(encodings, indices, flattenLength, model.config.padTokenId),
    place(indices, values) {
      indices.forEach((idx, b) => data.set(values.subarray(b * dim, (b + 1) * dim), idx * dim));
    },
  };
}

/** The whole embedding on an inference engine (two batches per worker in flight). */
export async function embedOnEngine(
  engine: InferenceEngine,
  model: EmbedModel,
  encodings: readonly Encoding[],
  options: EmbedOptions,
): Promise<Embeddings> {
  const plan = planEmbedding(model, encodings, options);
  await runOnEngine(engine, plan, options, encodings.length);
  return { dim: plan.dim, data: plan.data };
}

/** Runs a plan's batches on the engine (its workers never wait for the main thread). */
export function runOnEngine(
  engine: InferenceEngine,
  plan: EmbeddingPlan,
  options: Pick<EmbedOptions, 'onProgress' | 'signal' | 'pooling'>,
  total: number,
): Promise<void> {
  return runQueue(plan.batches, options, total, 2 * engine.threads, (indices) =>
    engine.run(plan.pad(indices), options.pooling).then(({ data }) => {
      if (plan.normalize) l2NormalizeRows(data, plan.dim);
      plan.place(indices, data);
    }),
  );
}

/**
 * Runs `runBatch` over the batches with at most `concurrency` in flight, reporting progress as batches finish,
 * checking the signal between dispatches and letting the event loop run after each (cancel messages, UI).
 */
export async function runQueue(
  batches: readonly number[][],
  options: Pick<EmbedOptions, 'onProgress' | 'signal'>,
  total: number,
  concurrency: number,
  runBatch: (indices: readonly number[]) => Promise<void>,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  let failed: unknown;
  options.onProgress?.(0, total);
  for (const indices of batches) {
    throwIfAborted(options.signal);
    const p: Promise<void> = runBatch(indices).then(
      () => {
        inFlight.delete(p);
        done += indices.length;
        options.onProgress?.(done, total);
      },
      (e: unknown) => {
        inFlight.delete(p);
        failed ??= e;
      },
    );
    inFlight.add(p);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failed !== undefined) break;
    await yieldToEventLoop();
  }
  await Promise.all(inFlight);
  if (failed !== undefined) throw failed;
  throwIfAborted(options.signal);
}

/** In place: each row of an n × dim matrix divided by max(‖row‖₂, 1e-12), as pooling's l2Normalize. */
export function l2NormalizeRows(values: Float32Array, dim: number): void {
  for (let o = 0; o < values.length; o += dim) {
    let sq = 0;
    for (let j = 0; j < dim; j++) sq += values[o + j]! * values[o + j]!;
    const inv = 1 / Math.max(Math.sqrt(sq), 1e-12);
    for (let j = 0; j < dim; j++) values[o + j]! *= inv;
  }
}
