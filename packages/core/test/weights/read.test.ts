import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { WeightsError } from '../../src/errors';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { floatTensor, floatToHalf, halfToFloat, toFloat32 } from '../../src/weights/dtype';
import { tensorSha256 } from '../../src/weights/hash';
import { readWeights } from '../../src/weights/read';
import { writeSafetensors } from '../../src/weights/safetensors';
import { mergeTensorMaps, readSafetensorsIndex } from '../../src/weights/sharded';
import { writeTorchLegacy, writeTorchZip } from '../../src/weights/torch-writer';

test('readWeights detects the format by content, whatever the file is called', () => {
  const ts = [floatTensor('x', [2], [1, 2])];
  assert.equal(readWeights(writeSafetensors(ts), 'pytorch_model.bin').info.format, 'safetensors');
  assert.equal(readWeights(writeTorchZip(ts), 'model.safetensors').info.format, 'torch-zip');
  assert.equal(readWeights(writeTorchLegacy(ts), 'weights').info.format, 'torch-legacy');
  const html = new TextEncoder().encode('\n  <html><body>502 Bad Gateway</body></html>');
  assert.throws(
    () => readWeights(html, 'model.safetensors'),
    /Invalid safetensors file: this looks like HTML.*download probably failed/,
  );
  assert.throws(
    () => readWeights(html, 'pytorch_model.bin'),
    /"pytorch_model\.bin" is not a weights file.*looks like HTML/,
  );
  const json = new TextEncoder().encode('{"error":"Repository Not Found for url"}');
  assert.throws(
    () => readWeights(json, 'pytorch_model.bin'),
    /JSON text.*Repository Not Found.*server probably sent an error/,
  );
});

test(
  'readWeights on every real safetensors/torch fixture agrees with the format-specific reader',
  { skip: skipUnlessShared('data/format-fixtures/torch/burn/float16.pt') },
  () => {
    for (const rel of [
      'torch/burn/float16.pt',
      'torch/burn/simple_legacy.pt',
      'safetensors/burn/multi_layer.safetensors',
    ]) {
      const r = readWeights(readFileSync(sharedPath(`data/format-fixtures/${rel}`)!), rel);
      assert.ok(r.tensors.size > 0, rel);
    }
  },
);

test('sharded index: parse, merge, duplicates and missing tensors are errors', () => {
  const index = readSafetensorsIndex({
    metadata: { total_size: 12 },
    weight_map: { a: 'm-1.safetensors', b: 'm-2.safetensors' },
  });
  assert.deepEqual(index.files, ['m-1.safetensors', 'm-2.safetensors']);
  const a = new Map([['a', floatTensor('a', [1], [1])]]);
  const b = new Map([['b', floatTensor('b', [2], [2, 3])]]);
  const merged = mergeTensorMaps([a, b], { index, shardNames: index.files });
  assert.deepEqual([...merged.keys()], ['a', 'b']);
  assert.throws(
    () => mergeTensorMaps([a, a], { shardNames: ['x', 'y'] }),
    /"a" is present in two shards \("x" and "y"\)/,
  );
  assert.throws(
    () => mergeTensorMaps([a], { index, shardNames: ['m-1.safetensors'] }),
    /"b" is listed in the index .* no shard holds it/,
  );
  assert.throws(
    () => mergeTensorMaps([b, a], { index, shardNames: index.files }),
    /"b" is in "m-1.safetensors" but the index puts it in "m-2/,
  );
  assert.throws(() => readSafetensorsIndex([]), WeightsError);
  assert.throws(() => readSafetensorsIndex({ weight_map: {} }), /empty/);
  assert.throws(() => readSafetensorsIndex({ weight_map: { a: '../x.safetensors' } }), /maps to/);
});

test('tensorSha256 (WebCrypto) equals node:crypto over the bytes', async () => {
  const t = floatTensor('x', [3], [1, 2, 3]);
  assert.equal(await tensorSha256(t), createHash('sha256').update(t.data).digest('hex'));
  assert.equal(await tensorSha256(floatTensor('e', [0], [])), createHash('sha256').digest('hex'));
});

test('float16: every half round-trips through float32; rounding is to nearest even', () => {
  for (let h = 0; h < 0x10000; h++) {
    const f = halfToFloat(h);
    if (Number.isNaN(f)) assert.ok(Number.isNaN(halfToFloat(floatToHalf(f))));
    else assert.equal(floatToHalf(f), h, `half 0x${h.toString(16)}`);
  }
  assert.equal(halfToFloat(0x7bff), 65504);
  assert.equal(halfToFloat(0x0001), 2 ** -24);
  assert.equal(halfToFloat(0xfc00), -Infinity);
  assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00, 'tie → even (down)');
  assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02, 'tie → even (up)');
  assert.equal(floatToHalf(65520), 0x7c00, 'overflow → Inf');
  assert.equal(floatToHalf(2 ** -26), 0, 'underflow → 0');
  assert.equal(floatToHalf(3 * 2 ** -26), 0x0001, 'subnormal rounding');
  const bf = { name: 'b', dtype: 'BF16' as const, shape: [2], data: Uint8Array.from([0xc0, 0x3f, 0x80, 0xff]) };
  assert.deepEqual([...toFloat32(bf)], [1.5, -Infinity]);
  assert.throws(() => toFloat32({ ...bf, shape: [3] }), /holds 4 bytes, expected 6/);
});
