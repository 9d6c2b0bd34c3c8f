import type * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from '../config/types.ts';
import type { Pooling } from '../vocabulary.ts';

/** A batch padded to one length (dynamic padding: the longest sequence in the batch). Row-major [batch, seqLen]. */
export interface PaddedBatch {
  readonly batchSize: number;
  readonly seqLen: number;
  readonly inputIds: Int32Array;
  readonly tokenTypeIds: Int32Array;
  /** 1 for real tokens, 0 for padding. */
  readonly attentionMask: Int32Array;
}

export interface EncoderOutput {
  /** [batch, seqLen, hidden] */
  readonly lastHiddenState: tf.Tensor3D;
  /** [batch, hidden]; present when the checkpoint has a pooler and it was requested. */
  readonly poolerOutput: tf.Tensor2D | undefined;
}

export interface ForwardOptions {
  /** Compute the pooler (dense + tanh on [CLS]). Default false. */
  pooler?: boolean;
  /** Dropout is not applied in inference; during fine-tuning pass training: true. */
  training?: boolean;
  /**
   * Seed for the dropout masks when training (each dropout site derives its own from it); pass a different
   * value per step (e.g. seed + step) for reproducible fine-tuning. Without it, masks are random.
   */
  seed?: number;
}

/** What one inference-engine call returns per sequence: a pooled vector, all padded positions, or real-token rows. */
export type EnginePooling = Pooling;

export interface EngineResult {
  /**
   * mean / cls / pooler: batch × hidden. flatten: batch × (seqLen · hidden), every position (padding included).
   * none: the hidden rows of each sequence's real tokens, sequence b at rows seqStart[b] … seqStart[b+1].
   */
  readonly data: Float32Array;
  readonly seqStart: Int32Array;
}

/**
 * A faster forward for a frozen encoder (no gradients, no tensors): the "wasm-simd" kernel engine. features/embed
 * uses it whenever the encoder carries one.
 */
export interface InferenceEngine {
  readonly name: 'wasm-simd';
  /** Workers running batches in parallel. */
  readonly threads: number;
  /** The kernel build in use: 'relaxed' (relaxed-SIMD fused multiply-add) or 'simd'. */
  readonly variant?: 'simd' | 'relaxed';
  /**
   * True when it was chosen by inference 'auto': if the engine cannot run here after all (e.g. a content security
   * policy forbids its workers), embedding falls back to the TF.js forward instead of failing.
   */
  readonly fallbackToTfjs: boolean;
  run(batch: PaddedBatch, pooling: EnginePooling): Promise<EngineResult>;
  /**
   * Reads the weights and starts the workers now, so that work on the main thread (e.g. building the tokenizer)
   * overlaps their start-up; the first run() does the same when nobody called it. Never rejects: a failure to start
   * is reported by the runs.
   */
  start?(): Promise<void>;
  /**
   * Ends the workers to free their memory while the engine is idle (e.g. while its encoder's copy is fine-tuned); the
   * next run starts them again. False, and nothing changes, when it cannot: runs in flight, still starting, or
   * weights it read from a file and no longer holds.
   */
  suspend?(): boolean;
  /** Stops the workers; later runs reject. */
  dispose(): void;
}

/** A BERT encoder whose weights live as tf.Variables. */
export interface BertEncoder {
  readonly config: BertConfig;
  readonly hasPooler: boolean;
  /** The inference engine frozen embedding uses instead of forward(), when the loader attached one. */
  readonly inference?: InferenceEngine;
  /** Runs synchronously on tensors; the caller owns (and disposes) the outputs. Use inside tf.tidy. */
  forward(batch: PaddedBatch, options?: ForwardOptions): EncoderOutput;
  /**
   * All trainable-capable weights, keyed by canonical HF name without the "bert." prefix — every weight except the
   * word-embedding table, which is `wordEmbeddings`.
   */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  /**
   * The word-embedding table ([vocab, hidden], row-major): not a tf.Variable, because it is never trained (wasm has
   * no gather gradient) and is only ever read in JS. Over a SharedArrayBuffer where memory can be shared, so the
   * kernel's workers read this very copy. Undefined for graph models.
   */
  readonly wordEmbeddings?: Float32Array;
  /** Variables of encoder layer i (0-based), for fine-tuning the top k layers. */
  layerVariables(layer: number): tf.Variable[];
  dispose(): void;
}
