/** Weight files: readers (safetensors, torch zip + legacy, TF.js), writers, converters. No I/O here. */
export type * from './types';
export { DTYPE_SIZE, isDType, numel, toFloat32, floatTensor, encodeFloats, halfToFloat, floatToHalf } from './dtype';
export { readSafetensors, writeSafetensors, MAX_SAFETENSORS_HEADER } from './safetensors';
export { readSafetensorsIndex, mergeTensorMaps, type SafetensorsIndex } from './sharded';
export { readTorch, unwrapStateDict } from './torch';
export { writeTorchZip, writeTorchLegacy, type TorchWriteOptions } from './torch-writer';
export {
  readTfjsWeights,
  tfjsShardPaths,
  writeTfjsBundle,
  type TfjsBundle,
  type TfjsBundleOptions,
  type TfjsWeightEntry,
  type TfjsWeightsGroup,
  type TfjsWeightsManifest,
} from './tfjs';
export { readWeights } from './read';
export { sniffFormat, type SniffedFormat } from './sniff';
export { tensorSha256 } from './hash';
