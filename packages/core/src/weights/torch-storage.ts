/** torch.*Storage class names ↔ our dtypes (the names torch.save writes into its pickles). */
import type { DType } from './types.ts';

export const STORAGE_DTYPE: Readonly<Record<string, DType>> = {
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/** torch dtype attribute names (torch.float32 …) as they appear in newer pickles. */
export const TORCH_DTYPE: Readonly<Record<string, DType>> = {
  float32: 'F32',
  float: 'F32',
  float16: 'F16',
  half: 'F16',
  bfloat16: 'BF16',
  float64: 'F64',
  double: 'F64',
  int64: 'I64',
  long: 'I64',
  int32: 'I32',
  int: 'I32',
  int16: 'I16',
  short: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
  uint16: 'U16',
  uint32: 'U32',
  uint64: 'U64',
};

export function storageNameFor(dtype: DType): string | undefined {
  for (const [name, d] of Object.entries(STORAGE_DTYPE)) if (d === dtype) return name;
  return undefined;
}
