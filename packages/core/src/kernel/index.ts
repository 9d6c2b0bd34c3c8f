export { createKernelEngine, kernelUnavailableReason, type KernelEngineOptions } from './engine.ts';
export { withInference, type InferenceChoice, type InferenceOptions } from './attach.ts';
export {
  defaultKernelSpawner,
  setDefaultKernelSpawner,
  webKernelSpawner,
  type KernelSpawner,
  type KernelWorker,
} from './spawn.ts';
