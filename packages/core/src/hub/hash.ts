/** sha256 (hex) with WebCrypto, available in browsers, workers and Node ≥ 20. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Identifies weights whatever their source: the sha256 of the file for one file (equal to `sha256sum`), else the
 * sha256 of the `sha256sum`-style listing ("<hex>  <name>\n" per file, in load order) of all of them.
 */
export async function weightsHash(files: readonly { name: string; bytes: Uint8Array }[]): Promise<string> {
  if (files.length === 1 && files[0]) return sha256Hex(files[0].bytes);
  let listing = '';
  for (const f of files) listing += `${await sha256Hex(f.bytes)}  ${f.name}\n`;
  return sha256Hex(new TextEncoder().encode(listing));
}
