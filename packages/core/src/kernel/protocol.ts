/** Messages between the kernel engine and its workers (one typed protocol; the worker is worker.ts). */
import type { BertConfig } from '../config/types.ts';
import type { TensorPlace } from '../weights/safetensors.ts';

/** The model shape the kernel allocates for (from BertConfig). */
export interface KernelModelConfig {
  readonly vocab: number;
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly inter: number;
  /** Activation code, see ACT in pack.ts. */
  readonly act: number;
  readonly eps: number;
  readonly maxPos: number;
  readonly typeVocab: number;
  readonly pooler: boolean;
}

/** One weight in kernel layout (pack.ts), for the slot (kind, layer) of bert.c. */
export interface KernelWeight {
  readonly kind: number;
  readonly layer: number;
  readonly values: Float32Array;
}

/** Where one slot's values sit in a worker's weight image. */
export interface KernelSlot {
  readonly kind: number;
  readonly layer: number;
  readonly offset: number;
  readonly length: number;
}

/** A worker's weights at init: packed by the engine, or a checkpoint's tensors that the worker converts and packs. */
export type KernelInitWeights =
  | {
      readonly kind: 'packed';
      /**
       * Every slot's values in one buffer, transferred (not copied) to the worker, which copies them into its wasm
       * memory and then releases the buffer: a worker's start costs one copy of the weights, not three.
       */
      readonly image: Float32Array;
      readonly slots: readonly KernelSlot[];
    }
  | {
      /**
       * A safetensors file that the worker reads, converts to float32 and packs itself, so the thread that loads the
       * model posts no bytes (a Blob is a handle). `tensors`: planEncoderWeights's, checked from the file's header,
       * in encoderWeightSpecs order, as places in the data section (which starts at `dataStart`).
       */
      readonly kind: 'checkpoint';
      readonly bert: BertConfig;
      readonly hasPooler: boolean;
      readonly file: Blob;
      readonly dataStart: number;
      readonly tensors: readonly TensorPlace[];
      /** Send the packed weights back ('packed' reply), for the engine's other workers. */
      readonly packForOthers: boolean;
    };

/** Pooling codes of bb_run: 0 none (hidden rows), 1 mean, 2 cls, 3 pooler. */
export type KernelPoolingCode = 0 | 1 | 2 | 3;

export type KernelRequest =
  | {
      readonly type: 'init';
      readonly wasm: Uint8Array<ArrayBuffer>;
      readonly config: KernelModelConfig;
      readonly weights: KernelInitWeights;
      /**
       * The word-embedding table (vocab × hidden) over a SharedArrayBuffer, one copy for every worker, when the
       * runtime can share memory (cross-origin isolated pages, Node); the weights then have no word slot and the
       * worker gathers each batch's word rows from it (a worker packing a checkpoint fills it first). Undefined: the
       * table is in the weights like any other.
       */
      readonly words: Float32Array | undefined;
    }
  | {
      readonly type: 'run';
      readonly id: number;
      readonly batch: number;
      readonly seq: number;
      readonly ids: Int32Array;
      readonly types: Int32Array;
      readonly mask: Int32Array;
      readonly keepPadding: boolean;
      readonly pooling: KernelPoolingCode;
    }
  /**
   * Optional, before init: compile this kernel now (a worker started ahead of its weights). An init whose wasm has
   * the same bytes uses the compiled module instead of compiling again.
   */
  | { readonly type: 'compile'; readonly wasm: Uint8Array<ArrayBuffer> }
  | { readonly type: 'train-config'; readonly config: KernelTrainConfig }
  /** The multiply-add peak of a kernel build on this worker (train.c bb_peak), for the bench. */
  | { readonly type: 'peak'; readonly id: number; readonly wasm: Uint8Array<ArrayBuffer>; readonly rounds: number }
  | {
      /** One training (or evaluation) step on a shard of a batch (train.c bt_step). */
      readonly type: 'train-step';
      readonly id: number;
      /**
       * New parameter values (train-layout.ts), when they changed since this worker's last step: the trainer's own
       * copy when it is in shared memory (read, not kept), else a copy for this worker.
       */
      readonly params: Float32Array | undefined;
      /**
       * Buffers (parameter-vector sized) the worker fills with the gradients and sends back, with `params`: they
       * travel back and forth, so no step allocates a parameter-sized array on either side.
       */
      readonly spare: Float32Array | undefined;
      readonly batch: number;
      readonly seq: number;
      readonly ids: Int32Array;
      readonly types: Int32Array;
      readonly mask: Int32Array;
      readonly labels: Int32Array;
      /** The loss weight of each example (its class weight). */
      readonly weights: Float32Array;
      readonly seed: number;
      /** Index of the shard's first example in the whole batch (dropout masks are keyed by it). */
      readonly example0: number;
      readonly train: boolean;
    };

/** What trains and how (train.c bt_config). */
export interface KernelTrainConfig {
  readonly trainFrom: number;
  readonly embeddings: boolean;
  /** 1 mean, 2 cls, 3 pooler. */
  readonly pooling: 1 | 2 | 3;
  readonly normalize: boolean;
  readonly headHidden: number;
  readonly classes: number;
  /** float32(1/√head size): the query scale folded into the fused QKV weights. */
  readonly queryScale: number;
  readonly hiddenDropout: number;
  readonly attentionDropout: number;
  readonly headDropout: number;
  /** Length of the parameter vector JS expects (checked against the kernel's). */
  readonly params: number;
}

export type KernelReply =
  | { readonly type: 'ready' }
  /** The weights a worker packed from a checkpoint (init.weights.packForOthers), every slot but a shared word table. */
  | { readonly type: 'packed'; readonly image: Float32Array; readonly slots: readonly KernelSlot[] }
  | {
      readonly type: 'result';
      readonly id: number;
      /** rows × hidden: pooled rows (one per sequence) or hidden rows (seqStart gives each sequence's rows). */
      readonly data: Float32Array;
      /** batch + 1 row offsets. */
      readonly seqStart: Int32Array;
    }
  | { readonly type: 'train-ready' }
  | { readonly type: 'peak'; readonly id: number; readonly flops: number; readonly ms: number }
  | {
      readonly type: 'step';
      readonly id: number;
      /** Σ w·CE, Σ w and correct predictions over the shard. */
      readonly lossSum: number;
      readonly weightSum: number;
      readonly correct: number;
      /** ∂(Σ w·CE)/∂params (train-layout.ts) when training, transferred. */
      readonly grads: Float32Array | undefined;
      /** The request's parameter buffer, returned for reuse. */
      readonly spare: Float32Array | undefined;
    }
  | {
      readonly type: 'error';
      readonly id: number | undefined;
      readonly message: string;
      /** 'read': the worker could not read its checkpoint file (the engine fails with a StorageError). */
      readonly kind?: 'read';
    };
