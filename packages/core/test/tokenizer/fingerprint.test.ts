import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fnv1a64 } from '../../src/tokenizer/fingerprint';

it('fnv1a64 matches the published FNV-1a 64-bit test vectors', () => {
  // From the FNV reference test suite (www.isthe.com/chongo/tech/comp/fnv, fnv_test.c), and a BigInt re-computation.
  assert.equal(fnv1a64(''), 'cbf29ce484222325');
  assert.equal(fnv1a64('a'), 'af63dc4c8601ec8c');
  assert.equal(fnv1a64('foobar'), '85944171f73967e8');
  const big = (s: string): string => {
    let h = 0xcbf29ce484222325n;
    for (const b of new TextEncoder().encode(s)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
    return h.toString(16).padStart(16, '0');
  };
  for (const s of ['hello world', '中文𠀀 😀', 'x'.repeat(1000)]) assert.equal(fnv1a64(s), big(s));
});
