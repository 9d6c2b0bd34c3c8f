export { createKernelEngine, kernelUnavailableReason, type KernelEngineOptions } from './engine';
export { withInference, type InferenceChoice, type InferenceOptions } from './attach';
export {
  defaultKernelSpawner,
  setDefaultKernelSpawner,
  webKernelSpawner,
  type KernelSpawner,
  type KernelWorker,
} from './spawn';
