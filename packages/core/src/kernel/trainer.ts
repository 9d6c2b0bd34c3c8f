/**
 * Fine-tuning on the WebAssembly kernel (train.c): data parallel over the kernel's workers — each a shard of every
 * batch — with the gradients summed here, clipped by global norm, and one Adam step (adam.ts) on one copy of the
 * parameters, which every worker receives before its next step. The TF.js path (train/fine-tune.ts) stays the
 * fallback and the cross-check: same loss, same optimiser, same clipping; dropout masks come from the kernel's own
 * hash (seeded per step, keyed by example), so they match TF.js's in distribution, not element by element.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { BackendError, CancelledError, UsageError } from '../errors.ts';
import { checkBatch } from '../encoder/check-batch.ts';
import type { BertEncoder, PaddedBatch } from '../encoder/types.ts';
import { headVariables } from '../head/model.ts';
import { canShareMemory, isShared, shareableFloat32 } from '../util/shared-memory.ts';
import { createFlatAdam } from './adam.ts';
import { kernelWeightsOf } from './attach.ts';
import { kernelUnavailableReason } from './engine.ts';
import { packedInits, type Inits } from './init-weights.ts';
import { kernelConfig } from './pack.ts';
import type { KernelReply, KernelRequest, KernelTrainConfig } from './protocol.ts';
import { defaultKernelSpawner, type KernelSpawner, type KernelWorker } from './spawn.ts';
import { kernelHeadSpec } from './train-head.ts';
import { trainLayout, type TrainLayout } from './train-layout.ts';
import { trainingKernelWasm } from './training-wasm.ts';
import { defaultKernelVariant, hasRelaxedSimd, type KernelVariant } from './wasm.ts';
import { KERNEL_WORKER_SOURCE } from './worker-bundle.ts';

export type KernelTrainPooling = 'mean' | 'cls' | 'pooler';

export interface KernelTrainerOptions {
  encoder: BertEncoder;
  head: tfl.LayersModel;
  /** Top k layers, or 'all' (every layer + position / token-type embeddings and their LayerNorm). */
  layers: number | 'all';
  pooling: KernelTrainPooling;
  normalize: boolean;
  classWeights: Float32Array;
  headLearningRate: number;
  encoderLearningRate: number;
  clipNorm: number;
  /** Workers, each a shard of every batch; default the machine's cores, at most 4. */
  threads?: number;
  spawn?: KernelSpawner;
  variant?: KernelVariant;
  /** Dropout rates while training; default the model's (config hidden / attention dropout) and the head's. */
  dropout?: { hidden: number; attention: number; head: number };
}

export interface KernelStepResult {
  /** Class-weighted mean cross-entropy over the batch (before the update). */
  readonly loss: number;
  readonly correct: number;
}

export interface KernelEvalResult {
  readonly lossSum: number;
  readonly weightSum: number;
  readonly correct: number;
}

export interface KernelTrainer {
  readonly threads: number;
  readonly variant: KernelVariant;
  /** Encoder variables it trains (canonical names). */
  readonly trainedVariables: readonly string[];
  /** One optimiser step on the batch (dropout seeded by `seed`). */
  step(batch: PaddedBatch, labels: Int32Array, seed: number): Promise<KernelStepResult>;
  /** Loss sums without dropout or update (validation). */
  evaluate(batch: PaddedBatch, labels: Int32Array): Promise<KernelEvalResult>;
  /** ∂(mean loss)/∂ each trained tensor (by variable name; the head's as "head:i"), without an update. */
  gradients(
    batch: PaddedBatch,
    labels: Int32Array,
    seed: number,
  ): Promise<{ loss: number; grads: Map<string, Float32Array> }>;
  /** Writes the kernel's current parameters into the encoder's and the head's tf.Variables. */
  writeToVariables(): void;
  /** Stops the workers; pending and later calls reject. */
  dispose(): void;
}

const POOLING: Readonly<Record<KernelTrainPooling, 1 | 2 | 3>> = { mean: 1, cls: 2, pooler: 3 };

/** Why the kernel cannot fine-tune this encoder + head with this pooling here, or undefined when it can. */
export function kernelTrainerUnavailableReason(
  encoder: BertEncoder,
  head: tfl.LayersModel,
  pooling: string,
  spawn: KernelSpawner | undefined = defaultKernelSpawner(),
): string | undefined {
  const reason = kernelUnavailableReason(kernelWeightsOf(encoder));
  if (reason !== undefined) return reason;
  if (spawn === undefined) return 'this runtime has no Workers';
  if (!(pooling in POOLING)) return `the kernel trains with pooling mean, cls or pooler, not ${pooling}`;
  if (encoder.config.intermediateSize % 4 !== 0) return 'the kernel trains models whose intermediate size divides by 4';
  const spec = kernelHeadSpec(head);
  if (typeof spec === 'string') return spec;
  if (spec.inputDim !== encoder.config.hiddenSize) return 'the head does not take the pooled vector';
  return undefined;
}

interface Pending {
  readonly resolve: (r: KernelReply) => void;
  readonly reject: (e: Error) => void;
}

/** Shards [b0, b1) of the batch's sequences, balanced by real tokens, at most `n`, none empty. */
function shards(batch: PaddedBatch, n: number): Array<[number, number]> {
  const { batchSize: B, seqLen: S, attentionMask } = batch;
  const lens = Array.from({ length: B }, (_, b) => {
    let k = 0;
    for (let s = 0; s < S; s++) k += attentionMask[b * S + s]!;
    return k * k + 8 * k; // attention is quadratic, the rest linear
  });
  const total = lens.reduce((a, b) => a + b, 0);
  const out: Array<[number, number]> = [];
  let b0 = 0;
  let acc = 0;
  for (let part = 1; part <= Math.min(n, B); part++) {
    let b1 = b0 + 1;
    acc += lens[b0]!;
    const goal = (total * part) / Math.min(n, B);
    while (b1 < B - (Math.min(n, B) - part) && acc + lens[b1]! / 2 < goal) acc += lens[b1++]!;
    if (part === Math.min(n, B)) b1 = B;
    out.push([b0, b1]);
    b0 = b1;
  }
  return out;
}

export async function createKernelTrainer(o: KernelTrainerOptions): Promise<KernelTrainer> {
  const spawn = o.spawn ?? defaultKernelSpawner();
  const reason = kernelTrainerUnavailableReason(o.encoder, o.head, o.pooling, spawn);
  if (reason !== undefined) {
    throw new BackendError(`The kernel cannot fine-tune here: ${reason}`, "use fineTuneEngine: 'tfjs'");
  }
  const variant = o.variant ?? defaultKernelVariant();
  if (variant === 'relaxed' && !hasRelaxedSimd()) {
    throw new UsageError('This runtime has no relaxed SIMD for the kernel', "use variant: 'simd'");
  }
  const { encoder, head } = o;
  const config = encoder.config;
  const n = config.numHiddenLayers;
  const k = o.layers === 'all' ? n : o.layers;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new UsageError(`The kernel trains 1…${n} layers or 'all', got ${String(o.layers)}`);
  }
  const spec = kernelHeadSpec(head) as Exclude<ReturnType<typeof kernelHeadSpec>, string>;
  const layout: TrainLayout = trainLayout(config, {
    trainFrom: n - k,
    embeddings: o.layers === 'all',
    pooler: o.pooling === 'pooler',
    headHidden: spec.hidden,
    classes: spec.classes,
  });
  const headVars = headVariables(head);
  const variableOf = (name: string): tf.Variable => {
    const v = name.startsWith('head:') ? headVars[Number(name.slice(5))] : encoder.variables.get(name);
    if (v === undefined) throw new UsageError(`The kernel trainer found no variable ${name}`);
    return v;
  };
  // One copy of the parameters, which every worker reads at its next step: shared where memory can be (a
  // parameter-sized copy per worker per step less), else copied into each step's message.
  const shareParams = canShareMemory();
  const master = shareableFloat32(layout.size);
  for (const t of layout.tensors) {
    const v = variableOf(t.name);
    if (v.size !== t.size) throw new UsageError(`${t.name} has ${v.size} values, the kernel expects ${t.size}`);
    master.set((await v.data()) as Float32Array, t.offset);
  }
  const drop = o.dropout ?? {
    hidden: config.hiddenDropoutProb ?? 0.1,
    attention: config.attentionProbsDropoutProb ?? 0.1,
    head: spec.dropout,
  };
  const trainConfig: KernelTrainConfig = {
    trainFrom: n - k,
    embeddings: o.layers === 'all',
    pooling: POOLING[o.pooling],
    normalize: o.normalize,
    headHidden: spec.hidden,
    classes: spec.classes,
    queryScale: Math.fround(1 / Math.sqrt(config.hiddenSize / config.numAttentionHeads)),
    hiddenDropout: drop.hidden,
    attentionDropout: drop.attention,
    headDropout: drop.head,
    params: layout.size,
  };
  const threads = o.threads ?? Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2));
  const adam = createFlatAdam(layout.size, layout.headOffset, o.encoderLearningRate, o.headLearningRate, o.clipNorm);

  // Start the workers: every weight packed as the inference engine does, the word table shared where possible.
  let inits: Inits | undefined = await packedInits(kernelWeightsOf(encoder), canShareMemory(), threads);
  const workers: KernelWorker[] = [];
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let failure: Error | undefined;
  const stale = new Array<boolean>(threads).fill(true);
  /** Parameter-sized buffers that came back from the workers, for the next steps (no allocation per step). */
  const pool: Float32Array[] = [];
  const take = (): Float32Array => pool.pop() ?? new Float32Array(layout.size);
  const ready: Array<Promise<void>> = [];
  const fail = (e: Error): void => {
    failure ??= e;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
    for (const w of workers) w.terminate();
  };
  const call = (
    w: number,
    msg: KernelRequest & { id: number },
    transfer: Transferable[] = [],
  ): Promise<KernelReply> => {
    if (failure !== undefined) return Promise.reject(failure);
    return new Promise<KernelReply>((resolve, reject) => {
      pending.set(msg.id, { resolve, reject });
      workers[w]!.busy(true);
      workers[w]!.post(msg, transfer);
    });
  };
  try {
    for (let w = 0; w < threads; w++) {
      const worker = spawn!(KERNEL_WORKER_SOURCE);
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.onReply((reply) => {
            if (reply.type === 'train-ready') return resolve();
            if (reply.type === 'ready') return;
            const id = reply.type === 'step' || reply.type === 'error' || reply.type === 'peak' ? reply.id : undefined;
            const p = id === undefined ? undefined : pending.get(id);
            if (p === undefined) {
              const e = new BackendError(
                `The kernel trainer failed: ${reply.type === 'error' ? reply.message : 'an unexpected reply'}`,
                "use fineTuneEngine: 'tfjs'",
              );
              reject(e);
              return fail(e);
            }
            pending.delete(id!);
            worker.busy(false);
            if (reply.type === 'error') p.reject(new BackendError(`The kernel trainer failed: ${reply.message}`));
            else p.resolve(reply);
          });
        }),
      );
      const { weights, words, transfer } = inits(w);
      const wasm = trainingKernelWasm(variant);
      worker.post({ type: 'init', wasm, config: kernelConfig(config, encoder.hasPooler), weights, words }, transfer);
      worker.post({ type: 'train-config', config: trainConfig });
      worker.busy(true);
    }
    inits = undefined; // this thread's packed weights are garbage now
    await Promise.all(ready);
    workers.forEach((w) => w.busy(false));
  } catch (e) {
    fail(e as Error);
    throw e;
  }

  async function run(batch: PaddedBatch, labels: Int32Array, seed: number, train: boolean) {
    if (failure !== undefined) throw failure;
    checkBatch(batch, config);
    if (labels.length !== batch.batchSize) {
      throw new UsageError(`${batch.batchSize} sequences need ${batch.batchSize} labels, got ${labels.length}`);
    }
    const S = batch.seqLen;
    const parts = shards(batch, threads);
    const replies = await Promise.all(
      parts.map(([b0, b1], w) => {
        let params: Float32Array | undefined;
        if (stale[w]) params = shareParams ? master : take();
        if (params !== master) params?.set(master);
        stale[w] = false;
        const spare = train ? take() : undefined;
        const lab = labels.slice(b0, b1);
        const weights = Float32Array.from(lab, (y) => o.classWeights[y] ?? NaN);
        return call(
          w,
          {
            type: 'train-step',
            id: nextId++,
            params,
            spare,
            batch: b1 - b0,
            seq: S,
            ids: batch.inputIds.slice(b0 * S, b1 * S),
            types: batch.tokenTypeIds.slice(b0 * S, b1 * S),
            mask: batch.attentionMask.slice(b0 * S, b1 * S),
            labels: lab,
            weights,
            seed,
            example0: b0,
            train,
          },
          [params?.buffer, spare?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer), // (not a shared one)
        );
      }),
    );
    const steps = replies as Array<Extract<KernelReply, { type: 'step' }>>;
    const lossSum = steps.reduce((a, r) => a + r.lossSum, 0);
    const weightSum = steps.reduce((a, r) => a + r.weightSum, 0);
    const correct = steps.reduce((a, r) => a + r.correct, 0);
    let grads: Float32Array | undefined;
    if (train) {
      grads = steps[0]!.grads!;
      for (const r of steps.slice(1)) for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! + r.grads![i]!;
      const inv = weightSum > 0 ? 1 / weightSum : 0;
      for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! * inv;
    }
    for (const r of steps) {
      if (r.spare && !isShared(r.spare.buffer)) pool.push(r.spare); // (not the shared master)
      if (r.grads && r.grads !== grads) pool.push(r.grads);
    }
    const release = (): void => void (grads && pool.push(grads));
    return { lossSum, weightSum, correct, grads, release };
  }

  return {
    threads,
    variant,
    trainedVariables: layout.tensors.filter((t) => t.part === 'encoder').map((t) => t.name),
    async step(batch, labels, seed) {
      const r = await run(batch, labels, seed, true);
      adam.step(master, r.grads!);
      r.release();
      stale.fill(true);
      return { loss: r.lossSum / r.weightSum, correct: r.correct };
    },
    async evaluate(batch, labels) {
      const { lossSum, weightSum, correct } = await run(batch, labels, 0, false);
      return { lossSum, weightSum, correct };
    },
    async gradients(batch, labels, seed) {
      const r = await run(batch, labels, seed, true);
      const grads = new Map(layout.tensors.map((t) => [t.name, r.grads!.slice(t.offset, t.offset + t.size)] as const));
      r.release();
      return { loss: r.lossSum / r.weightSum, grads };
    },
    writeToVariables() {
      tf.tidy(() => {
        for (const t of layout.tensors) {
          // a copy: some backends (cpu, webgl, webgpu) keep the array they are given, and Adam goes on changing master
          variableOf(t.name).assign(tf.tensor(master.slice(t.offset, t.offset + t.size), [...t.shape], 'float32'));
        }
      });
    },
    dispose() {
      fail(new CancelledError('The kernel trainer was disposed'));
    },
  };
}
