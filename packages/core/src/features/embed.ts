/**
 * The embedding stage: texts (token ids) → pooled vectors, batched with length-bucketed dynamic padding — on the
 * encoder's inference engine when it has one (engine-embed.ts, no TF.js), else on the TF.js forward.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BertEncoder, InferenceEngine } from '../encoder/types.ts';
import { BackendError } from '../errors.ts';
import { poolOutput } from '../pooling/pool.ts';
import type { Encoding } from '../tokenizer/types.ts';
import { padBatch, planBatches } from './batches.ts';
import {
  checkSizes,
  DEFAULT_EMBED_BATCH_SIZE,
  DEFAULT_MAX_TOKENS_PER_BATCH,
  planEmbedding,
  runOnEngine,
  runQueue,
  type EmbedOptions,
  type Embeddings,
} from './engine-embed.ts';

export {
  DEFAULT_EMBED_BATCH_SIZE,
  DEFAULT_MAX_TOKENS_PER_BATCH,
  type EmbedOptions,
  type Embeddings,
} from './engine-embed.ts';

/** Embeds every encoding (frozen encoder, no dropout) into one Float32Array, rows in input order. */
export async function embedTexts(
  encoder: BertEncoder,
  encodings: readonly Encoding[],
  options: EmbedOptions,
): Promise<Embeddings> {
  const plan = planEmbedding(encoder, encodings, options);
  const total = encodings.length;
  const kind = options.pooling;
  const poolOpts = { normalize: plan.normalize, flattenLength: plan.flattenLength };
  await onEngineOrTfjs(
    encoder.inference,
    (engine) => runOnEngine(engine, plan, options, total),
    () =>
      runQueue(plan.batches, options, total, 1, async (indices) => {
        const batch = plan.pad(indices);
        const pooled = tf.tidy(() => {
          const out = encoder.forward(batch, { pooler: kind === 'pooler' });
          const mask = tf.tensor2d(batch.attentionMask, [batch.batchSize, batch.seqLen], 'int32');
          return poolOutput(out, mask, kind, poolOpts);
        });
        try {
          plan.place(indices, (await pooled.data()) as Float32Array);
        } finally {
          pooled.dispose();
        }
      }),
  );
  return { dim: plan.dim, data: plan.data };
}

/**
 * Runs the work on the encoder's inference engine or, without one, on the TF.js forward. An engine that fails with a
 * BackendError and may fall back (inference 'auto') is dropped and everything is redone on TF.js; other errors (bad
 * input, cancel) propagate.
 */
async function onEngineOrTfjs(
  engine: InferenceEngine | undefined,
  onEngine: (engine: InferenceEngine) => Promise<void>,
  onTfjs: () => Promise<void>,
): Promise<void> {
  if (engine !== undefined) {
    try {
      await onEngine(engine);
      return;
    } catch (e) {
      if (!(engine.fallbackToTfjs && e instanceof BackendError)) throw e;
      warnOnce(`browser-bert: the wasm-simd inference engine failed (${e.message}); using the TF.js forward`);
    }
  }
  await onTfjs();
}

let warned = false;
function warnOnce(message: string): void {
  if (!warned) console.warn(message);
  warned = true;
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
  await onEngineOrTfjs(
    encoder.inference,
    (engine) =>
      runQueue(batches, options, total, 2 * engine.threads, (indices) =>
        engine.run(pad(indices), 'none').then(({ data, seqStart }) => {
          indices.forEach((idx, b) => (result[idx] = data.slice(seqStart[b]! * H, seqStart[b + 1]! * H)));
        }),
      ),
    () =>
      runQueue(batches, options, total, 1, async (indices) => {
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
      }),
  );
  return result;
}
