import { sha256Hex } from '../util/hash.ts';

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
