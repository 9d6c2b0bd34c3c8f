/** Weight files: readers (safetensors, torch zip + legacy, TF.js), writers, converters. No I/O here. */
export type * from './types.ts';
export { DTYPE_SIZE, isDType, numel, toFloat32, floatTensor, encodeFloats, halfToFloat, floatToHalf } from './dtype.ts';
export { readSafetensors, writeSafetensors, MAX_SAFETENSORS_HEADER } from './safetensors.ts';
export { readSafetensorsIndex, mergeTensorMaps, type SafetensorsIndex } from './sharded.ts';
export { readTorch, unwrapStateDict } from './torch.ts';
export { writeTorchZip, writeTorchLegacy, type TorchWriteOptions } from './torch-writer.ts';
export {
  readTfjsWeights,
  tfjsShardPaths,
  writeTfjsBundle,
  type TfjsBundle,
  type TfjsBundleOptions,
  type TfjsWeightEntry,
  type TfjsWeightsGroup,
  type TfjsWeightsManifest,
} from './tfjs.ts';
export { readWeights } from './read.ts';
export { sniffFormat, type SniffedFormat } from './sniff.ts';
export { tensorSha256 } from './hash.ts';
