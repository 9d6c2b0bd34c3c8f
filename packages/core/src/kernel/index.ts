export { createKernelEngine, kernelUnavailableReason, type KernelEngineOptions, type KernelWeights } from './engine.ts';
export { withInference, kernelWeightsOf, type InferenceChoice, type InferenceOptions } from './attach.ts';
export {
  defaultKernelSpawner,
  setDefaultKernelSpawner,
  webKernelSpawner,
  type KernelSpawner,
  type KernelWorker,
} from './spawn.ts';
