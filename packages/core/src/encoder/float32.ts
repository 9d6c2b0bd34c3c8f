// Private float conversion for the encoder until weights/ exports toFloat32 in a commit (then this file goes).
import { WeightsError } from '../errors';
import type { RawTensor } from '../weights/types';

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** F32/F16/BF16/F64 little-endian bytes → Float32Array (always a fresh copy). */
export function rawToFloat32(t: RawTensor): Float32Array {
  let n = 1;
  for (const d of t.shape) n *= d;
  const size = t.dtype === 'F64' ? 8 : t.dtype === 'F32' ? 4 : 2;
  if (!['F64', 'F32', 'F16', 'BF16'].includes(t.dtype)) {
    throw new WeightsError(
      `Tensor "${t.name}" has dtype ${t.dtype}; encoder weights must be floating point (F32, F16, BF16 or F64)`,
    );
  }
  if (t.data.byteLength !== n * size) {
    throw new WeightsError(`Tensor "${t.name}" holds ${t.data.byteLength} bytes, expected ${n * size}`);
  }
  const dv = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  if (t.dtype === 'F32') for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
  else if (t.dtype === 'F64') for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8, true);
  else if (t.dtype === 'F16') for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(i * 2, true));
  else for (let i = 0; i < n; i++) bits[i] = dv.getUint16(i * 2, true) << 16;
  return out;
}
