/** sha256 (hex) with WebCrypto, available in browsers, workers and Node ≥ 20. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // subtle.digest rejects views of a SharedArrayBuffer: those are copied first.
  const own = bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
  const digest = await crypto.subtle.digest('SHA-256', own as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
