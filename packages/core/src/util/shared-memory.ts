/** Memory that workers can share: SharedArrayBuffer exists in Node, and in pages/workers that are cross-origin isolated. */

/** Whether a SharedArrayBuffer can be made here and posted to workers. */
export function canShareMemory(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  return typeof SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false;
}

/** `length` zeros in a SharedArrayBuffer where memory can be shared, else in a plain Float32Array. */
export function shareableFloat32(length: number): Float32Array {
  return canShareMemory() ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
}

/** Whether `buffer` is a SharedArrayBuffer (false, not an error, where the global does not exist: a page that is not cross-origin isolated). */
export function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
}

/** `values` in a SharedArrayBuffer: itself when it already is in one, else a copy. */
export function inSharedMemory(values: Float32Array): Float32Array {
  if (isShared(values.buffer)) return values;
  const shared = new Float32Array(new SharedArrayBuffer(values.byteLength));
  shared.set(values);
  return shared;
}
