/** Test helper: the largest |a[i] − b[i]| of two equally long score arrays (NaN anywhere gives NaN). */
import assert from 'node:assert/strict';

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
