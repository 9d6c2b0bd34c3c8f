/** Builds the project's tokenizer and encoder from checkpoint bytes (the same path in Node and the page). */
import { createTokenizer } from '../../packages/core/src/tokenizer/index';
import { parseBertConfig } from '../../packages/core/src/config/index';
import { readSafetensors } from '../../packages/core/src/weights/safetensors';
import { createBertEncoder } from '../../packages/core/src/encoder/index';
import type { BertEncoder } from '../../packages/core/src/encoder/types';
import type { Tokenizer } from '../../packages/core/src/tokenizer/types';
import type { BertConfig } from '../../packages/core/src/config/types';
import type { LoadedModel } from '../../packages/core/src/hub/types';
import { withInference } from '../../packages/core/src/kernel/attach';
import type { KernelSpawner } from '../../packages/core/src/kernel/spawn';
import { fixtureLoadedModel } from '../../packages/core/test-support/loaded-model';
import type { ModelBytes } from './types';

export interface Pipeline {
  readonly config: BertConfig;
  readonly tokenizer: Tokenizer;
  /** The TF.js forward (no inference engine): the tutorial baseline and the before/after comparison. */
  readonly encoder: BertEncoder;
  /** The same weights with the wasm-simd kernel engine attached (what load() gives by default), if it can run. */
  readonly kernel: BertEncoder | undefined;
  /** The same pieces as the LoadedModel the training pipeline takes (random-init fixture, marked as such). */
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

export function buildPipeline(m: ModelBytes, options: PipelineOptions = {}): Pipeline {
  const maxLength = options.maxLength ?? 128;
  const config = parseBertConfig(m.configJson);
  const tokenizer = createTokenizer(
    { vocabTxt: m.vocabTxt, tokenizerConfig: m.tokenizerConfig },
    { maxLength, modelMaxLength: config.maxPositionEmbeddings },
  );
  const encoder = createBertEncoder(config, readSafetensors(m.safetensors).tensors, { source: `${m.shape} fixture` });
  const withKernel = withInference(encoder, {
    inference: 'auto',
    ...(options.threads ? { inferenceThreads: options.threads } : {}),
    ...(options.kernelSpawner ? { kernelSpawner: options.kernelSpawner } : {}),
  });
  const kernel = withKernel.inference ? withKernel : undefined;
  const model: LoadedModel = fixtureLoadedModel({
    source: `bench ${m.shape} fixture`,
    weightsHash: `bench-${m.shape}-${m.safetensors.byteLength}`,
    config,
    tokenizer,
    encoder: withKernel,
  });
  return { config, tokenizer, encoder, kernel, model, dispose: () => withKernel.dispose() };
}
