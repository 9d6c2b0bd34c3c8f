/** The embedding stage: texts (token ids) → pooled vectors, batched with length-bucketed dynamic padding. */
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, throwIfAborted, UsageError } from '../errors.ts';
import type { BertEncoder, InferenceEngine } from '../encoder/types.ts';
import type { ClassifierPooling } from '../vocabulary.ts';
import type { Encoding } from '../tokenizer/types.ts';
import { DEFAULT_FLATTEN_LENGTH, pooledDim, poolOutput } from '../pooling/pool.ts';
import { yieldToEventLoop } from '../util/yield.ts';
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

function checkSizes(batchSize: number, maxTokens: number): void {
  if (!(Number.isInteger(batchSize) && batchSize > 0) || !(Number.isInteger(maxTokens) && maxTokens > 0)) {
    throw new UsageError(
      `batchSize and maxTokensPerBatch must be positive integers, got ${batchSize} and ${maxTokens}`,
    );
  }
}

/** Embeds every encoding (frozen encoder, no dropout) into one Float32Array, rows in input order. */
export async function embedTexts(
  encoder: BertEncoder,
  encodings: readonly Encoding[],
  options: EmbedOptions,
): Promise<Embeddings> {
  const kind = options.pooling;
  const batchSize = options.batchSize ?? DEFAULT_EMBED_BATCH_SIZE;
  const flattenLength = kind === 'flatten' ? (options.flattenLength ?? DEFAULT_FLATTEN_LENGTH) : undefined;
  const maxTokens = Math.max(options.maxTokensPerBatch ?? DEFAULT_MAX_TOKENS_PER_BATCH, flattenLength ?? 0);
  checkSizes(batchSize, maxTokens);
  if (kind === 'pooler' && !encoder.hasPooler) {
    throw new UsageError(
      "This checkpoint has no pooler weights, so pooling 'pooler' is not available",
      'use --pooling mean or cls',
    );
  }
  const dim = pooledDim(kind, encoder.config.hiddenSize, flattenLength);
  const total = encodings.length;
  const data = new Float32Array(total * dim);
  const batches = planBatches(encodings, { batchSize, maxTokensPerBatch: maxTokens, fixedLength: flattenLength });
  const poolOpts = { normalize: options.normalize === true, flattenLength };
  const place = (indices: readonly number[], values: Float32Array): void =>
    indices.forEach((idx, b) => data.set(values.subarray(b * dim, (b + 1) * dim), idx * dim));
  const pad = (indices: readonly number[]) => padBatch(encodings, indices, flattenLength, encoder.config.padTokenId);
  await runBatches(encoder.inference, batches, options, total, {
    engine: (engine, indices) =>
      engine.run(pad(indices), kind).then(({ data: values }) => {
        if (poolOpts.normalize) l2NormalizeRows(values, dim);
        place(indices, values);
      }),
    tfjs: async (indices) => {
      const batch = pad(indices);
      const pooled = tf.tidy(() => {
        const out = encoder.forward(batch, { pooler: kind === 'pooler' });
        const mask = tf.tensor2d(batch.attentionMask, [batch.batchSize, batch.seqLen], 'int32');
        return poolOutput(out, mask, kind, poolOpts);
      });
      try {
        place(indices, (await pooled.data()) as Float32Array);
      } finally {
        pooled.dispose();
      }
    },
  });
  return { dim, data };
}

/** The work of one batch (its text indices), on the inference engine or on the TF.js forward. */
interface BatchWork {
  engine(engine: InferenceEngine, indices: readonly number[]): Promise<void>;
  tfjs(indices: readonly number[]): Promise<void>;
}

/**
 * Runs every batch on the encoder's inference engine (two batches per worker in flight, so workers never wait for
 * the main thread) or, without one, on the TF.js forward one at a time. An engine that fails with a BACKEND error
 * and may fall back (inference 'auto') is dropped and every batch is redone on TF.js; other errors (bad input,
 * cancel) propagate.
 */
async function runBatches(
  engine: InferenceEngine | undefined,
  batches: readonly number[][],
  options: Pick<EmbedOptions, 'onProgress' | 'signal'>,
  total: number,
  work: BatchWork,
): Promise<void> {
  if (engine !== undefined) {
    try {
      await runQueue(batches, options, total, 2 * engine.threads, (indices) => work.engine(engine, indices));
      return;
    } catch (e) {
      if (!(engine.fallbackToTfjs && e instanceof BackendError)) throw e;
      warnOnce(`browser-bert: the wasm-simd inference engine failed (${e.message}); using the TF.js forward`);
    }
  }
  await runQueue(batches, options, total, 1, work.tfjs);
}

/**
 * Runs `runBatch` over the batches with at most `concurrency` in flight, reporting progress as batches finish,
 * checking the signal between dispatches and letting the event loop run after each (cancel messages, UI).
 */
async function runQueue(
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

let warned = false;
function warnOnce(message: string): void {
  if (!warned) console.warn(message);
  warned = true;
}

/** In place: each row of an n × dim matrix divided by max(‖row‖₂, 1e-12), as pooling's l2Normalize. */
function l2NormalizeRows(values: Float32Array, dim: number): void {
  for (let o = 0; o < values.length; o += dim) {
    let sq = 0;
    for (let j = 0; j < dim; j++) sq += values[o + j]! * values[o + j]!;
    const inv = 1 / Math.max(Math.sqrt(sq), 1e-12);
    for (let j = 0; j < dim; j++) values[o + j]! *= inv;
  }
}

export type EncodeTextsOptions = Omit<EmbedOptions, 'pooling' | 'normalize' | 'flattenLength'>;

/** Pooling 'none': per text, its last_hidden_state rows for real tokens only ([len × hidden], row-major). */
export async function encodeTexts(
  encoder: BertEncoder,
  encodings: readonly Encoding[],
  options: EncodeTextsOptions = {},
): Promise<Float32Array[]> {
  const batchSize = options.batchSize ?? DEFAULT_EMBED_BATCH_SIZE;
  const maxTokens = options.maxTokensPerBatch ?? DEFAULT_MAX_TOKENS_PER_BATCH;
  checkSizes(batchSize, maxTokens);
  const H = encoder.config.hiddenSize;
  const total = encodings.length;
  const result: Float32Array[] = new Array<Float32Array>(total);
  const batches = planBatches(encodings, { batchSize, maxTokensPerBatch: maxTokens });
  const pad = (indices: readonly number[]) => padBatch(encodings, indices, undefined, encoder.config.padTokenId);
  await runBatches(encoder.inference, batches, options, total, {
    engine: (engine, indices) =>
      engine.run(pad(indices), 'none').then(({ data, seqStart }) => {
        indices.forEach((idx, b) => (result[idx] = data.slice(seqStart[b]! * H, seqStart[b + 1]! * H)));
      }),
    tfjs: async (indices) => {
      const batch = pad(indices);
      const { lastHiddenState } = encoder.forward(batch);
      try {
        const values = (await lastHiddenState.data()) as Float32Array;
        const S = batch.seqLen;
        indices.forEach((idx, b) => {
          const len = encodings[idx]!.inputIds.length;
          result[idx] = values.slice(b * S * H, (b * S + len) * H);
        });
      } finally {
        lastHiddenState.dispose();
      }
    },
  });
  return result;
}
