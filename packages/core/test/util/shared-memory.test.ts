import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canShareMemory, inSharedMemory, isShared } from '../../src/util/shared-memory';

test('isShared / canShareMemory where SharedArrayBuffer exists, and where it does not (a page without COOP/COEP)', () => {
  const shared = inSharedMemory(Float32Array.of(1, 2));
  assert.equal(isShared(shared.buffer), true);
  assert.equal(isShared(new ArrayBuffer(4)), false);
  assert.equal(canShareMemory(), true);
  const g = globalThis as { SharedArrayBuffer?: unknown };
  const sab = g.SharedArrayBuffer;
  delete g.SharedArrayBuffer;
  try {
    assert.equal(isShared(new ArrayBuffer(4)), false, 'no ReferenceError');
    assert.equal(canShareMemory(), false);
  } finally {
    g.SharedArrayBuffer = sab;
  }
});
