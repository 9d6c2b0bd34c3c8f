/** Content hash of a tensor (sha256 of its contiguous little-endian bytes), via WebCrypto so it runs in browsers. */
import { sha256Hex } from '../util/hash.ts';
import type { RawTensor } from './types.ts';

export function tensorSha256(t: RawTensor): Promise<string> {
  return sha256Hex(t.data);
}
