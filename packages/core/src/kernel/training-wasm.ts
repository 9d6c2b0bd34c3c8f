/** The kernel's training module (train.c, which includes the inference forward), in the variant the runtime runs. */
import { BERT_TRAIN_RELAXED_WASM_BASE64, BERT_TRAIN_WASM_BASE64 } from './train-wasm.ts';
import { decodeWasm, defaultKernelVariant, type KernelVariant } from './wasm.ts';

export function trainingKernelWasm(variant: KernelVariant = defaultKernelVariant()): Uint8Array<ArrayBuffer> {
  return decodeWasm(variant === 'relaxed' ? BERT_TRAIN_RELAXED_WASM_BASE64 : BERT_TRAIN_WASM_BASE64);
}
