/**
 * Where fine-tuning picks its engine: the WebAssembly kernel trainer (kernel/trainer.ts) or the TF.js autograd path
 * (fine-tune.ts). 'auto' takes the kernel when the model already runs its inference on the kernel (kernelThreads
 * set: inference 'auto' / 'wasm-simd' found WebAssembly SIMD and workers) and the setup is one the kernel trains
 * (pooling mean / cls / pooler; the head of head/model.ts); otherwise TF.js, silently.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BertEncoder } from '../encoder/types.ts';
import { TrainingError } from '../errors.ts';
import { createKernelTrainer, kernelTrainerUnavailableReason, type KernelTrainer } from '../kernel/trainer.ts';
import type { KernelSpawner } from '../kernel/spawn.ts';
import type { ClassifierPooling } from '../vocabulary.ts';

/** 'auto' (default): the kernel where it can train this setup, else TF.js. 'kernel': the kernel or an error. */
export type FineTuneEngine = 'auto' | 'kernel' | 'tfjs';

export interface KernelChoice {
  encoder: BertEncoder;
  head: tfl.LayersModel;
  pooling: ClassifierPooling;
  normalize: boolean;
  layers: number | 'all';
  classWeights: Float32Array;
  headLearningRate: number;
  encoderLearningRate: number;
  clipNorm: number;
  engine?: FineTuneEngine;
  /** Workers of the loaded model's kernel engine; undefined when it has none (its inference is TF.js). */
  kernelThreads?: number;
  kernelSpawner?: KernelSpawner;
}

/** The kernel trainer to fine-tune with, or undefined for the TF.js path. */
export async function kernelTrainerFor(o: KernelChoice): Promise<KernelTrainer | undefined> {
  const engine = o.engine ?? 'auto';
  if (engine === 'tfjs' || (engine === 'auto' && o.kernelThreads === undefined)) return undefined;
  const reason = kernelTrainerUnavailableReason(o.encoder, o.head, o.pooling, o.kernelSpawner);
  if (reason !== undefined) {
    if (engine === 'auto') return undefined;
    throw new TrainingError(`The kernel cannot fine-tune this model: ${reason}`, "use fineTuneEngine: 'tfjs'");
  }
  return createKernelTrainer({
    encoder: o.encoder,
    head: o.head,
    layers: o.layers,
    pooling: o.pooling as 'mean' | 'cls' | 'pooler',
    normalize: o.normalize,
    classWeights: o.classWeights,
    headLearningRate: o.headLearningRate,
    encoderLearningRate: o.encoderLearningRate,
    clipNorm: o.clipNorm,
    ...(o.kernelThreads === undefined ? {} : { threads: o.kernelThreads }),
    ...(o.kernelSpawner === undefined ? {} : { spawn: o.kernelSpawner }),
  });
}
