/**
 * The "wasm-simd" inference engine: the whole frozen BERT forward in our SIMD kernel (bert.c), one instance per
 * worker, batches spread over the workers. Used by features/embed for frozen embedding (training features,
 * classify); fine-tuning keeps the TF.js encoder, which has gradients.
 */
import { BackendError, CancelledError, StorageError, UsageError } from '../errors.ts';
import type { BertConfig } from '../config/types.ts';
import { checkBatch } from '../encoder/check-batch.ts';
import type { EnginePooling, EngineResult, InferenceEngine, PaddedBatch } from '../encoder/types.ts';
import { defaultKernelVariant, hasRelaxedSimd, kernelWasm, type KernelVariant } from './wasm.ts';
import { kernelConfig, kernelUnsupportedReason } from './pack.ts';
import { packedInits, type Inits } from './init-weights.ts';
import { canShareMemory } from '../util/shared-memory.ts';
import type { TensorPlace } from '../weights/safetensors.ts';
import type { KernelInitWeights, KernelPoolingCode, KernelReply, KernelSlot } from './protocol.ts';
import { defaultKernelSpawner, type KernelSpawner, type KernelWorker } from './spawn.ts';
import { KERNEL_WORKER_SOURCE } from './worker-bundle.ts';

export interface KernelEngineOptions {
  /** Workers; default the machine's cores (navigator.hardwareConcurrency), at most 4. */
  threads?: number;
  /** How to start a worker; default web Workers, or worker_threads once '@browser-bert/core/node' is imported. */
  spawn?: KernelSpawner;
  /** Let embedding fall back to the TF.js forward when the engine fails (inference 'auto'). Default false. */
  fallbackToTfjs?: boolean;
  /**
   * One word-embedding table in a SharedArrayBuffer for all workers, instead of a copy in each. Default: wherever
   * memory can be shared (Node; pages and workers that are cross-origin isolated). The results are identical.
   */
  shareWordTable?: boolean;
  /** The kernel build: relaxed SIMD (fused multiply-add) where the runtime has it, else plain SIMD. Default: detected. */
  variant?: KernelVariant;
}

/**
 * What the engine needs of a model: its shape and its weights, either as values (KernelWeightValues) or as a
 * checkpoint file that the workers read and convert themselves (KernelCheckpointFile).
 */
export type KernelWeights = KernelWeightValues | KernelCheckpointFile;

/**
 * The weights as values: the word-embedding table, and the other weights by canonical HF name with Linear weights
 * [in, out], read once when the engine starts. A TF.js encoder provides them (attach.ts).
 */
export interface KernelWeightValues {
  readonly config: BertConfig;
  readonly hasPooler: boolean;
  /** [vocab, hidden] row-major; undefined when the weights are not available as values (a graph model). */
  readonly wordEmbeddings: Float32Array | undefined;
  values(): Promise<ReadonlyMap<string, Float32Array>>;
  /** values() gives them again on a later call (an encoder's variables), so the engine may end and restart its workers. */
  readonly rereadable?: boolean;
}

/**
 * A safetensors file (a Blob, e.g. from IndexedDB) whose header was checked by planEncoderWeights: each worker reads
 * it and converts and packs the weights itself, so the thread that creates the engine touches none of its bytes (the
 * runtime's cold start: that thread builds the tokenizer meanwhile).
 */
export interface KernelCheckpointFile {
  readonly config: BertConfig;
  readonly hasPooler: boolean;
  readonly file: Blob;
  /** Offset of the data section in the file. */
  readonly dataStart: number;
  /** The encoder's tensors in encoderWeightSpecs order, as places in the data section. */
  readonly tensors: readonly TensorPlace[];
}

/** Why the kernel cannot run here for this model, or undefined when it can (given a spawner). */
export function kernelUnavailableReason(model: KernelWeights): string | undefined {
  if (typeof WebAssembly === 'undefined') return 'this runtime has no WebAssembly';
  if (!WebAssembly.validate(kernelWasm('simd'))) return 'this runtime has no WebAssembly SIMD (128-bit)';
  if (!('file' in model) && model.wordEmbeddings === undefined)
    return 'the encoder has no weights as values (a graph model)';
  return kernelUnsupportedReason(model.config);
}

function defaultThreads(): number {
  const n = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined;
  return Math.max(1, Math.min(4, n ?? 2));
}

/** Workers started before their engine; see prestartKernelWorkers. */
export interface PrestartedWorkers {
  /** For createKernelEngine's `spawn`: the started workers first, then new ones. */
  readonly spawn: KernelSpawner;
  /** Ends the started workers no engine took. */
  dispose(): void;
}

/**
 * Starts the kernel's workers before the engine's weights exist — e.g. while a classifier bundle is read from
 * storage — so their start-up (a thread, the worker script parsed, the kernel compiled) overlaps the read instead of
 * following it.
 * Undefined where there is no spawner.
 */
export function prestartKernelWorkers(
  options: Pick<KernelEngineOptions, 'spawn' | 'threads' | 'variant'> = {},
): PrestartedWorkers | undefined {
  const spawner = options.spawn ?? defaultKernelSpawner();
  if (spawner === undefined || typeof WebAssembly === 'undefined') return undefined;
  const threads = options.threads ?? defaultThreads();
  const variant = options.variant ?? defaultKernelVariant();
  const ready: KernelWorker[] = [];
  // (an invalid count starts nothing here: createKernelEngine refuses it with its own error)
  try {
    if (Number.isInteger(threads) && threads >= 1 && threads <= 64) {
      for (let i = 0; i < threads; i++) {
        const worker = listenedEarly(spawner(KERNEL_WORKER_SOURCE));
        ready.push(worker);
        worker.post({ type: 'compile', wasm: kernelWasm(variant) }); // compiled while the weights are still coming
      }
    }
  } catch {
    // Workers cannot start here (e.g. a page whose CSP refuses blob: workers): none are prestarted, and the engine
    // reports its own error when it tries.
    for (const w of ready.splice(0)) w.terminate();
    return undefined;
  }
  return {
    spawn: (source) => (source === KERNEL_WORKER_SOURCE ? ready.shift() : undefined) ?? spawner(source),
    dispose: () => {
      for (const w of ready.splice(0)) w.terminate();
    },
  };
}

/**
 * A worker listened to from its start: what it says (a failed start, a failed compile) before the engine takes it is
 * kept and given to the engine's listener when it has one (a microtask later, as if it had just arrived), not lost
 * — and in Node an 'error' event never finds no listener.
 */
function listenedEarly(worker: KernelWorker): KernelWorker {
  let listener: ((reply: KernelReply) => void) | undefined;
  const early: KernelReply[] = [];
  worker.onReply((reply) => (listener ? listener(reply) : early.push(reply)));
  return {
    post: (message, transfer) => worker.post(message, transfer),
    onReply(callback) {
      listener = callback;
      if (early.length > 0) queueMicrotask(() => early.splice(0).forEach(callback));
    },
    busy: (busy) => worker.busy(busy),
    terminate: () => worker.terminate(),
  };
}

const POOLING_CODE: Readonly<Record<EnginePooling, KernelPoolingCode>> = {
  none: 0,
  flatten: 0,
  mean: 1,
  cls: 2,
  pooler: 3,
};

interface Pending {
  readonly resolve: (r: EngineResult) => void;
  readonly reject: (e: Error) => void;
}

/**
 * Creates the engine for a frozen encoder. Nothing starts until the first run (or start()): then the weights are
 * packed once — here, or from a file by worker 0 — and every worker gets a copy. Throws BACKEND when the kernel cannot
 * run (kernelUnavailableReason).
 */
export function createKernelEngine(model: KernelWeights, options: KernelEngineOptions = {}): InferenceEngine {
  const reason = kernelUnavailableReason(model);
  const spawn = options.spawn ?? defaultKernelSpawner();
  if (reason !== undefined || spawn === undefined) {
    throw new BackendError(
      `The wasm-simd inference engine cannot run here: ${reason ?? 'this runtime has no Workers'}`,
      "use inference: 'tfjs'",
    );
  }
  const threads = options.threads ?? defaultThreads();
  if (!(Number.isInteger(threads) && threads >= 1)) {
    throw new UsageError(`threads must be a positive integer, got ${threads}`);
  }
  const config = model.config;
  const hidden = config.hiddenSize;
  const variant = options.variant ?? defaultKernelVariant();
  if (variant === 'relaxed' && !hasRelaxedSimd()) {
    throw new UsageError('This runtime has no relaxed SIMD for the kernel', "use variant: 'simd'");
  }
  let workers: KernelWorker[] | undefined;
  let starting: Promise<void> | undefined;
  const load = new Array<number>(threads).fill(0);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  /** Runs asked for and not yet settled (waiting for the start, or in a worker). */
  let active = 0;
  let failure: Error | undefined;
  let disposed = false;

  /** A worker failed outside a run (e.g. init): the engine is unusable, every pending and later run rejects. */
  const fail = (message: string, kind?: 'read'): void => {
    failure =
      kind === 'read'
        ? new StorageError(
            `The encoder's weights could not be read: ${message}`,
            'the browser lost them (storage cleared or damaged): save the classifier again, or load it from a zip',
          )
        : new BackendError(`The wasm-simd inference engine failed: ${message}`, "use inference: 'tfjs'");
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
    load.fill(0);
    for (const w of workers ?? []) w.terminate(); // frees their memory; later runs reject (failure is sticky)
    workers = undefined;
  };

  const hasPooler = model.hasPooler;
  const modelConfig = kernelConfig(config, hasPooler);
  /**
   * The weights, until start() has handed them over: no closure keeps them after (an in-memory Blob, the values) —
   * but `restartable`, weights read again from an encoder's variables, which it holds anyway.
   */
  let source: KernelWeights | undefined = model;
  /** Weight values that can be read again (an encoder's variables): the workers can end and start anew. */
  const restartable = 'file' in model || model.rereadable !== true ? undefined : model;
  /**
   * Whether worker w has been sent its init (runs go to those only): every worker at start, or — from a checkpoint
   * file — worker 0, which reads and packs it, and the others once it has sent the packed weights back.
   */
  const initialized = new Array<boolean>(threads).fill(false);
  /** The shared word table a worker fills from a checkpoint file, for the others' inits. */
  let fileWords: Float32Array | undefined;

  /** Replies of worker `w`: settles its pending runs; an error outside a run makes the engine unusable. */
  function listen(worker: KernelWorker, w: number): void {
    worker.onReply((reply: KernelReply) => {
      if (reply.type === 'packed') return initOthers(reply.image, reply.slots);
      if (reply.type !== 'result' && reply.type !== 'error') return; // training replies are not the engine's
      const p = reply.id === undefined ? undefined : pending.get(reply.id);
      if (reply.type === 'error' && p === undefined) return fail(reply.message, reply.kind);
      if (p === undefined) return;
      pending.delete(reply.id!); // p was found by this id
      if (--load[w]! === 0) workers?.[w]?.busy(false);
      if (reply.type === 'result') p.resolve({ data: reply.data, seqStart: reply.seqStart });
      else p.reject(new BackendError(`The wasm-simd inference engine failed: ${reply.message}`));
    });
  }

  /**
   * Starts the workers, each with its own copy of the weights: packed here (weight values, transferred), or — from
   * a checkpoint file — read and packed by worker 0 while this thread goes on (initOthers gives the others theirs).
   * No closure that outlives this call sees the weights, so this thread's copy is garbage once the workers have theirs.
   */
  async function start(): Promise<void> {
    const share = options.shareWordTable ?? canShareMemory();
    let inits: (w: number) => ReturnType<Inits> | undefined;
    const from = source!;
    source = undefined;
    if ('file' in from) {
      fileWords = share ? new Float32Array(new SharedArrayBuffer(config.vocabSize * hidden * 4)) : undefined;
      const { file, dataStart, tensors } = from;
      const weights: KernelInitWeights = {
        kind: 'checkpoint',
        bert: config,
        hasPooler,
        file,
        dataStart,
        tensors,
        packForOthers: threads > 1,
      };
      inits = (w) => (w === 0 ? { weights, words: fileWords, transfer: [] } : undefined);
    } else inits = await packedInits(from, share, threads);
    if (disposed) return;
    const started: KernelWorker[] = [];
    try {
      for (let w = 0; w < threads; w++) {
        const worker = spawn!(KERNEL_WORKER_SOURCE);
        started.push(worker);
        listen(worker, w);
        const init = inits(w);
        if (init === undefined) continue;
        const { weights, words, transfer } = init;
        worker.post({ type: 'init', wasm: kernelWasm(variant), config: modelConfig, weights, words }, transfer);
        initialized[w] = true;
      }
    } catch (e) {
      for (const worker of started) worker.terminate();
      throw e;
    }
    workers = started;
  }

  /** The other workers' inits, from the weights worker 0 packed (a copy each, the last one transferred). */
  function initOthers(image: Float32Array, slots: readonly KernelSlot[]): void {
    if (workers === undefined) return; // failed or disposed meanwhile
    for (let w = 0; w < threads; w++) {
      if (initialized[w]) continue;
      const last = initialized.lastIndexOf(false) === w;
      const own = last ? image : image.slice();
      const weights: KernelInitWeights = { kind: 'packed', image: own, slots };
      workers[w]!.post({ type: 'init', wasm: kernelWasm(variant), config: modelConfig, weights, words: fileWords }, [
        own.buffer,
      ]);
      initialized[w] = true;
    }
  }

  function startOnce(): Promise<void> {
    starting ??= start().catch((e: unknown) => fail(`its workers could not start: ${(e as Error).message}`));
    return starting;
  }

  /** Sends the batch to the least-busy worker. */
  function dispatch(batch: PaddedBatch, pooling: EnginePooling): Promise<EngineResult> {
    if (disposed) {
      return Promise.reject(new CancelledError('The inference engine was disposed'));
    }
    if (failure !== undefined) return Promise.reject(failure);
    if (workers === undefined) return startOnce().then(() => dispatch(batch, pooling)); // suspended meanwhile
    const ready = workers;
    let w = 0; // (worker 0 always has its init)
    for (let i = 1; i < threads; i++) if (initialized[i] && load[i]! < load[w]!) w = i;
    const id = nextId++;
    if (load[w]!++ === 0) ready[w]!.busy(true);
    const keepPadding = pooling === 'flatten';
    return new Promise<EngineResult>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ready[w]!.post({
        type: 'run',
        id,
        batch: batch.batchSize,
        seq: batch.seqLen,
        ids: batch.inputIds,
        types: batch.tokenTypeIds,
        mask: batch.attentionMask,
        keepPadding,
        pooling: POOLING_CODE[pooling],
      });
    }).then((r) => {
      if (keepPadding && r.data.length !== batch.batchSize * batch.seqLen * hidden) {
        throw new BackendError('The wasm-simd engine returned a wrongly sized flatten output');
      }
      return r;
    });
  }

  return {
    name: 'wasm-simd',
    threads,
    variant,
    fallbackToTfjs: options.fallbackToTfjs === true,
    run(batch: PaddedBatch, pooling: EnginePooling): Promise<EngineResult> {
      if (disposed) {
        return Promise.reject(new UsageError('This inference engine was disposed', 'load the model again'));
      }
      if (failure !== undefined) return Promise.reject(failure);
      try {
        checkBatch(batch, config);
        if (pooling === 'pooler' && !hasPooler) {
          throw new UsageError("This checkpoint has no pooler weights, so pooling 'pooler' is not available");
        }
      } catch (e) {
        return Promise.reject(e as Error);
      }
      // The first run reads the weights (asynchronously) and starts the workers unless start() did; later runs wait.
      active++;
      return startOnce()
        .then(() => dispatch(batch, pooling))
        .finally(() => active--);
    },
    start: startOnce,
    suspend(): boolean {
      if (disposed || failure !== undefined || restartable === undefined) return false;
      if (workers === undefined || active > 0 || initialized.some((i) => !i)) return false;
      for (const w of workers) w.terminate();
      workers = undefined;
      starting = undefined;
      source = restartable;
      initialized.fill(false);
      load.fill(0);
      return true;
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      for (const w of workers ?? []) w.terminate();
      workers = undefined;
      for (const p of pending.values()) p.reject(new CancelledError('The inference engine was disposed'));
      pending.clear();
    },
  };
}
