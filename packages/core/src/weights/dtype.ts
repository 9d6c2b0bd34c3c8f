/** Element types: sizes, and conversions between float16/bfloat16/float32 bit patterns. */
import { WeightsError, show } from '../errors.ts';
import type { DType, RawTensor } from './types.ts';

export const DTYPE_SIZE: Readonly<Record<DType, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
};

export function isDType(s: unknown): s is DType {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_SIZE, s);
}

/** Product of a shape's dimensions (1 for a 0-d scalar). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Checks that a shape is a list of non-negative safe integers; `what` names the tensor for the error. */
export function checkShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new WeightsError(
      `${what} has an invalid shape ${show(shape)}`,
      'expected a list of non-negative integers; the file is corrupt or not a weights file',
    );
  }
  return shape as number[];
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

/** IEEE half (bits) → number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** number → IEEE half bits, round-to-nearest-even (overflow → ±Inf, NaN kept). */
export function floatToHalf(v: number): number {
  f32buf[0] = v;
  const x = u32buf[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half; // a carry into the exponent (even up to Inf) is the correct rounding
}

let HALF_TABLE: Float32Array | undefined;
/** All 65,536 half values as float32 (built once, 256 KiB): F16 decoding becomes a table lookup. */
function halfTable(): Float32Array {
  if (!HALF_TABLE) {
    HALF_TABLE = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) HALF_TABLE[h] = halfToFloat(h);
  }
  return HALF_TABLE;
}

function bf16ToFloat(b: number): number {
  u32buf[0] = b << 16;
  return f32buf[0]!;
}

/** A tensor's values as float32 (F16/BF16/F64/integers/BOOL converted; I64/U64 beyond 2^53 lose precision). */
export function toFloat32(t: RawTensor, into?: Float32Array): Float32Array {
  const n = numel(t.shape);
  const expected = n * DTYPE_SIZE[t.dtype];
  if (t.data.byteLength !== expected) {
    throw new WeightsError(
      `Tensor "${t.name}" holds ${t.data.byteLength} bytes, expected ${expected} for ${t.dtype}[${t.shape.join(', ')}]`,
    );
  }
  if (into !== undefined && into.length !== n)
    throw new RangeError(`toFloat32: ${t.name} has ${n} values but the target holds ${into.length}`);
  const dv = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = into ?? new Float32Array(n);
  switch (t.dtype) {
    case 'F32':
      if (t.data.byteOffset % 4 === 0) out.set(new Float32Array(t.data.buffer, t.data.byteOffset, n));
      else for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8, true);
      break;
    case 'F16': {
      const table = halfTable();
      for (let i = 0; i < n; i++) out[i] = table[dv.getUint16(i * 2, true)]!;
      break;
    }
    case 'BF16':
      for (let i = 0; i < n; i++) out[i] = bf16ToFloat(dv.getUint16(i * 2, true));
      break;
    case 'I64':
      for (let i = 0; i < n; i++) out[i] = Number(dv.getBigInt64(i * 8, true));
      break;
    case 'U64':
      for (let i = 0; i < n; i++) out[i] = Number(dv.getBigUint64(i * 8, true));
      break;
    case 'I32':
      for (let i = 0; i < n; i++) out[i] = dv.getInt32(i * 4, true);
      break;
    case 'U32':
      for (let i = 0; i < n; i++) out[i] = dv.getUint32(i * 4, true);
      break;
    case 'I16':
      for (let i = 0; i < n; i++) out[i] = dv.getInt16(i * 2, true);
      break;
    case 'U16':
      for (let i = 0; i < n; i++) out[i] = dv.getUint16(i * 2, true);
      break;
    case 'I8':
      for (let i = 0; i < n; i++) out[i] = dv.getInt8(i);
      break;
    case 'U8':
    case 'BOOL':
      for (let i = 0; i < n; i++) out[i] = t.data[i]!;
      break;
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Float32 values → F32 or F16 little-endian bytes. */
export function encodeFloats(values: ArrayLike<number>, dtype: 'F32' | 'F16'): Uint8Array {
  const n = values.length;
  if (LITTLE_ENDIAN) {
    if (dtype === 'F32') return new Uint8Array(Float32Array.from(values).buffer);
    const h = new Uint16Array(n);
    for (let i = 0; i < n; i++) h[i] = floatToHalf(values[i]!);
    return new Uint8Array(h.buffer);
  }
  const out = new Uint8Array(n * (dtype === 'F32' ? 4 : 2));
  const dv = new DataView(out.buffer);
  if (dtype === 'F32') for (let i = 0; i < n; i++) dv.setFloat32(i * 4, values[i]!, true);
  else for (let i = 0; i < n; i++) dv.setUint16(i * 2, floatToHalf(values[i]!), true);
  return out;
}

/** Builds a RawTensor from float values (F32 or F16). */
export function floatTensor(
  name: string,
  shape: readonly number[],
  values: ArrayLike<number>,
  dtype: 'F32' | 'F16' = 'F32',
): RawTensor {
  if (values.length !== numel(shape)) {
    throw new WeightsError(`Tensor "${name}": ${values.length} values do not fill shape [${shape.join(', ')}]`);
  }
  return { name, dtype, shape: [...shape], data: encodeFloats(values, dtype) };
}
