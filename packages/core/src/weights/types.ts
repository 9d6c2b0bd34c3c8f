/** Element types we can read. Names follow safetensors. */
export type DType =
  'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

/** A tensor's name, element type and shape (what its header says; RawTensor adds the bytes). */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/**
 * One tensor as read from a file: its values as contiguous little-endian bytes in its own dtype,
 * row-major (C order), after any strides/offsets of the source were applied.
 */
export interface RawTensor {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/** Tensors by name, in file order. */
export type TensorMap = Map<string, RawTensor>;

export interface WeightsFileInfo {
  readonly format: 'safetensors' | 'torch-zip' | 'torch-legacy' | 'tfjs';
  /** safetensors __metadata__ (string → string), if any. */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface ReadWeightsResult {
  readonly tensors: TensorMap;
  readonly info: WeightsFileInfo;
}
