/** Memory that workers can share: SharedArrayBuffer exists in Node, and in pages/workers that are cross-origin isolated. */

/** Whether a SharedArrayBuffer can be made here and posted to workers. */
export function canShareMemory(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  return typeof SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false;
}

/** A copy of `values` in a new SharedArrayBuffer. */
export function sharedCopy(values: Float32Array): Float32Array {
  const shared = new Float32Array(new SharedArrayBuffer(values.byteLength));
  shared.set(values);
  return shared;
}

/** `values` in a SharedArrayBuffer where memory can be shared (one copy for every worker), else `values` itself. */
export function shareable(values: Float32Array): Float32Array {
  if (!canShareMemory() || values.buffer instanceof SharedArrayBuffer) return values;
  return sharedCopy(values);
}
