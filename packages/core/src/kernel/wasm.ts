/**
 * The kernel's inference module (bert.c): the relaxed-SIMD build (fused multiply-add) where the runtime has relaxed
 * SIMD (Chromium ≥ 114, Node ≥ 22; feature-detected once on a 60-byte module), the plain SIMD128 build otherwise.
 * The training module (a superset) is in training-wasm.ts, so code that only runs inference never carries it.
 */
import { BERT_KERNEL_RELAXED_WASM_BASE64, BERT_KERNEL_WASM_BASE64 } from './bert-wasm.ts';

export type KernelVariant = 'simd' | 'relaxed';

/** A module whose one function computes f32x4.relaxed_madd on three v128 constants: valid only with relaxed SIMD. */
function relaxedProbe(): Uint8Array<ArrayBuffer> {
  const konst = [0xfd, 0x0c, ...new Array<number>(16).fill(0)]; // v128.const 0
  const body = [0x00, ...konst, ...konst, ...konst, 0xfd, 0x85, 0x02, 0x0b]; // no locals; f32x4.relaxed_madd; end
  const type = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b]; // (func (result v128))
  const func = [0x03, 0x02, 0x01, 0x00];
  const code = [0x0a, body.length + 2, 0x01, body.length, ...body];
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...func, ...code]);
}

let relaxed: boolean | undefined;
/** Whether this runtime validates relaxed-SIMD code (checked once). */
export function hasRelaxedSimd(): boolean {
  relaxed ??= typeof WebAssembly !== 'undefined' && WebAssembly.validate(relaxedProbe());
  return relaxed;
}

/** The variant 'auto' picks here. */
export function defaultKernelVariant(): KernelVariant {
  return hasRelaxedSimd() ? 'relaxed' : 'simd';
}

const decoded = new Map<string, Uint8Array<ArrayBuffer>>();
/** Base64 → bytes, once per module. */
export function decodeWasm(base64: string): Uint8Array<ArrayBuffer> {
  let out = decoded.get(base64);
  if (out === undefined) {
    const bin = atob(base64);
    out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    decoded.set(base64, out);
  }
  return out;
}

/** The inference module's bytes. */
export function kernelWasm(variant: KernelVariant = defaultKernelVariant()): Uint8Array<ArrayBuffer> {
  return decodeWasm(variant === 'relaxed' ? BERT_KERNEL_RELAXED_WASM_BASE64 : BERT_KERNEL_WASM_BASE64);
}
