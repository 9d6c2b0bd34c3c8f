/** Messages between the kernel engine and its workers (one typed protocol; the worker is worker.ts). */

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

/** Pooling codes of bb_run: 0 none (hidden rows), 1 mean, 2 cls, 3 pooler. */
export type KernelPoolingCode = 0 | 1 | 2 | 3;

export type KernelRequest =
  | {
      readonly type: 'init';
      readonly wasm: Uint8Array<ArrayBuffer>;
      readonly config: KernelModelConfig;
      /**
       * Every slot's values in one buffer, transferred (not copied) to the worker, which copies them into its wasm
       * memory and then releases the buffer: a worker's start costs one copy of the weights, not three.
       */
      readonly image: Float32Array;
      readonly slots: readonly KernelSlot[];
      /**
       * The word-embedding table (vocab × hidden) over a SharedArrayBuffer, one copy for every worker, when the
       * runtime can share memory (cross-origin isolated pages, Node); the image then has no word slot and the worker
       * gathers each batch's word rows from it. Undefined: the table is in the image like any other weight.
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
    };

export type KernelReply =
  | { readonly type: 'ready' }
  | {
      readonly type: 'result';
      readonly id: number;
      /** rows × hidden: pooled rows (one per sequence) or hidden rows (seqStart gives each sequence's rows). */
      readonly data: Float32Array;
      /** batch + 1 row offsets. */
      readonly seqStart: Int32Array;
    }
  | { readonly type: 'error'; readonly id: number | undefined; readonly message: string };
