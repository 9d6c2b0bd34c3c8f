/** Choosing the inference path of a loaded encoder: the wasm-simd kernel engine when it can run, else TF.js. */
import { UsageError } from '../errors.ts';
import type { BertEncoder } from '../encoder/types.ts';
import { createKernelEngine, kernelUnavailableReason, type KernelWeightValues } from './engine.ts';
import { readVariables } from './pack.ts';
import { defaultKernelSpawner, type KernelSpawner } from './spawn.ts';

/**
 * 'auto' (default): the wasm-simd kernel when WebAssembly SIMD and workers exist and the model's shape suits it,
 * else the TF.js forward. 'wasm-simd': the kernel or an error saying why not. 'tfjs': always the TF.js forward.
 */
export type InferenceChoice = 'auto' | 'wasm-simd' | 'tfjs';

export interface InferenceOptions {
  inference?: InferenceChoice;
  /** Kernel workers; default the machine's cores, at most 4. */
  inferenceThreads?: number;
  /** How kernel workers start; default web Workers (Node: worker_threads, set by importing the Node entry point). */
  kernelSpawner?: KernelSpawner;
}

const CHOICES: readonly InferenceChoice[] = ['auto', 'wasm-simd', 'tfjs'];

/**
 * A TF.js encoder's weights for the kernel: its variables' current values, read asynchronously when the engine
 * starts (a synchronous read from a GPU backend stalls the page and, on WebGPU, can lose the device).
 */
export function kernelWeightsOf(encoder: BertEncoder): KernelWeightValues {
  return {
    config: encoder.config,
    hasPooler: encoder.hasPooler,
    wordEmbeddings: encoder.variables.size === 0 ? undefined : encoder.wordEmbeddings,
    values: () => readVariables(encoder.variables),
    rereadable: true,
  };
}

/** The encoder with the chosen engine attached (disposing it disposes both), or the encoder itself for TF.js. */
export function withInference(encoder: BertEncoder, options: InferenceOptions = {}): BertEncoder {
  const choice = options.inference ?? 'auto';
  if (!CHOICES.includes(choice)) {
    throw new UsageError(
      `Unknown inference ${JSON.stringify(choice)} (expected ${CHOICES.join(', ')})`,
      "use 'auto' unless you are comparing engines",
    );
  }
  if (choice === 'tfjs') return encoder;
  const spawn = options.kernelSpawner ?? defaultKernelSpawner();
  const weights = kernelWeightsOf(encoder);
  if (choice === 'auto' && (kernelUnavailableReason(weights) !== undefined || spawn === undefined)) return encoder;
  const engine = createKernelEngine(weights, {
    ...(spawn ? { spawn } : {}),
    ...(options.inferenceThreads !== undefined ? { threads: options.inferenceThreads } : {}),
    fallbackToTfjs: choice === 'auto',
  });
  return {
    config: encoder.config,
    hasPooler: encoder.hasPooler,
    inference: engine,
    forward: (batch, opts) => encoder.forward(batch, opts),
    variables: encoder.variables,
    ...(encoder.wordEmbeddings ? { wordEmbeddings: encoder.wordEmbeddings } : {}),
    layerVariables: (layer) => encoder.layerVariables(layer),
    dispose(): void {
      engine.dispose();
      encoder.dispose();
    },
  };
}
