/** Builds the project's model from checkpoint bytes with the library's one assembly (the same path in Node and the page). */
import {
  createMemorySource,
  loadFromSource,
  type BertConfig,
  type BertEncoder,
  type KernelSpawner,
  type LoadedModel,
  type Tokenizer,
} from '@browser-bert/core';
import type { ModelBytes } from './types';

export interface Pipeline {
  readonly config: BertConfig;
  readonly tokenizer: Tokenizer;
  /** The TF.js forward of the same weights (no inference engine): the tutorial baseline and the before/after comparison. */
  readonly encoder: BertEncoder;
  /** The model's encoder with the wasm-simd kernel engine attached (what load() gives by default), if it can run. */
  readonly kernel: BertEncoder | undefined;
  /** The LoadedModel the training pipeline takes (a random-init fixture, marked as such). */
  readonly model: LoadedModel;
  dispose(): void;
}

export interface PipelineOptions {
  readonly maxLength?: number;
  /** How kernel workers start (Node: nodeKernelSpawner); default web Workers. */
  readonly kernelSpawner?: KernelSpawner | undefined;
  /** Kernel workers (the suite uses ORT's thread count, so the engines get the same cores). */
  readonly threads?: number | undefined;
}

export async function buildPipeline(m: ModelBytes, options: PipelineOptions = {}): Promise<Pipeline> {
  const utf8 = new TextEncoder();
  const files = {
    'config.json': utf8.encode(JSON.stringify(m.configJson)),
    'vocab.txt': utf8.encode(m.vocabTxt),
    'tokenizer_config.json': utf8.encode(JSON.stringify(m.tokenizerConfig)),
    'model.safetensors': m.safetensors,
  };
  const model = await loadFromSource(createMemorySource(files, `bench ${m.shape} fixture`), {
    maxLength: options.maxLength ?? 128,
    inference: 'auto',
    ...(options.threads ? { inferenceThreads: options.threads } : {}),
    ...(options.kernelSpawner ? { kernelSpawner: options.kernelSpawner } : {}),
  });
  // The same weights seen without the engine: embedding through it runs the TF.js forward. Disposing it is the
  // model's job.
  const encoder: BertEncoder = { ...model.encoder, inference: undefined, dispose: () => undefined };
  return {
    config: model.config,
    tokenizer: model.tokenizer,
    encoder,
    kernel: model.encoder.inference ? model.encoder : undefined,
    model,
    dispose: () => model.dispose(),
  };
}
