/** Content hash of a tensor (sha256 of its contiguous little-endian bytes), via WebCrypto so it runs in browsers. */
import type { RawTensor } from './types';

export async function tensorSha256(t: RawTensor): Promise<string> {
  // Copy into a fresh ArrayBuffer: subtle.digest rejects SharedArrayBuffer-backed views.
  const copy = new Uint8Array(t.data.byteLength);
  copy.set(t.data);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', copy);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
