/** Weight files: readers (safetensors, torch zip + legacy, TF.js), writers, converters. No I/O here. */
export type * from './types';
export { DTYPE_SIZE, isDType, numel, toFloat32, floatTensor, halfToFloat, floatToHalf } from './dtype';
export { readSafetensors, writeSafetensors, MAX_SAFETENSORS_HEADER } from './safetensors';
export { writeTorchZip, writeTorchLegacy, type TorchWriteOptions } from './torch-writer';
