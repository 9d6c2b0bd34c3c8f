import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WeightsError } from '../../src/errors';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { floatTensor, toFloat32 } from '../../src/weights/dtype';
import { readSafetensors, writeSafetensors } from '../../src/weights/safetensors';
import type { RawTensor } from '../../src/weights/types';

const DIR = 'data/format-fixtures/safetensors';

/** Builds a safetensors file from a raw header object and data bytes (for malformed-file tests). */
function build(header: unknown, data: Uint8Array, lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

function values(t: RawTensor | undefined): number[] {
  assert.ok(t, 'tensor present');
  return [...toFloat32(t)];
}

test(
  'pr84 samples: every dtype holds range(-3, 3) (unsigned: as written by numpy)',
  { skip: skipUnlessShared(DIR) },
  () => {
    const cases: [string, string][] = [
      ['B', 'U8'],
      ['H', 'U16'],
      ['I', 'U32'],
      ['b', 'I8'],
      ['d', 'F64'],
      ['e', 'F16'],
      ['f', 'F32'],
      ['h', 'I16'],
      ['i', 'I32'],
    ];
    const overall = readSafetensors(readFileSync(sharedPath(`${DIR}/hf-safetensors-pr84/overall.safetensors`)!));
    assert.deepEqual(overall.info.metadata, { test: 'a' });
    assert.equal(overall.tensors.size, 9);
    for (const [name, dtype] of cases) {
      const one = readSafetensors(readFileSync(sharedPath(`${DIR}/hf-safetensors-pr84/${name}.safetensors`)!));
      assert.deepEqual(one.info.metadata, { test: 'a' });
      const t = one.tensors.get(name);
      assert.equal(t?.dtype, dtype);
      assert.deepEqual(t?.shape, [6]);
      const unsigned = dtype.startsWith('U');
      const bits = { U8: 8, U16: 16, U32: 32 }[dtype as 'U8'] ?? 0;
      const expected = [-3, -2, -1, 0, 1, 2].map((v) => Math.fround(unsigned && v < 0 ? 2 ** bits + v : v));
      assert.deepEqual(values(t), expected, `${name} ${dtype}`);
      if (dtype === 'U32')
        assert.equal(new DataView(t!.data.buffer, t!.data.byteOffset).getUint32(0, true), 2 ** 32 - 3);
      assert.deepEqual(values(overall.tensors.get(name)), expected);
    }
  },
);

test(
  'real writers: candle I64/U8, burn state_dict with a 0-d I64, CoffeeVampir3 padded header',
  { skip: skipUnlessShared(DIR) },
  () => {
    const voices = readSafetensors(readFileSync(sharedPath(`${DIR}/candle/voices.safetensors`)!));
    assert.deepEqual([...voices.tensors.keys()].sort(), ['mask', 'tokens']);
    assert.deepEqual(voices.tensors.get('tokens')?.shape, [1, 982, 33]);
    assert.equal(voices.tensors.get('tokens')?.dtype, 'I64');
    assert.equal(voices.tensors.get('mask')?.dtype, 'U8');
    assert.ok(values(voices.tensors.get('mask')).every((v) => v === 0 || v === 1));
    const jfk = readSafetensors(readFileSync(sharedPath(`${DIR}/candle/jfk-codes.safetensors`)!));
    assert.deepEqual(jfk.tensors.get('codes')?.shape, [1, 2, 828]);
    assert.ok(values(jfk.tensors.get('codes')).every((v) => Number.isInteger(v) && v >= 0 && v < 2048));

    const burn = readSafetensors(readFileSync(sharedPath(`${DIR}/burn/multi_layer.safetensors`)!));
    assert.equal(burn.tensors.size, 9);
    const nbt = burn.tensors.get('norm1.num_batches_tracked');
    assert.equal(nbt?.dtype, 'I64');
    assert.deepEqual(nbt?.shape, []);
    assert.equal(nbt?.data.byteLength, 8);
    assert.deepEqual(burn.tensors.get('fc1.weight')?.shape, [16, 256]);
    assert.deepEqual(burn.tensors.get('conv1.weight')?.shape, [4, 3, 3, 3]);
    assert.deepEqual(burn.info.metadata, {});

    const cv = readSafetensors(readFileSync(sharedPath(`${DIR}/CoffeeVampir3/model.safetensors`)!));
    assert.deepEqual(cv.info.metadata, { version: '1.0', git_tag: 'v1.45' });
    assert.deepEqual([...cv.tensors.values()].map((t) => `${t.name}:${t.dtype}[${t.shape.join(',')}]`).sort(), [
      'fc1.bias:F32[20]',
      'fc1.weight:F32[20,10]',
      'fc2.bias:F32[10]',
      'fc2.weight:F32[10,20]',
    ]);
    const w = values(cv.tensors.get('fc1.weight'));
    assert.ok(
      w.every((v) => Number.isFinite(v) && Math.abs(v) < 1),
      'nn.Linear init is bounded by 1/sqrt(in)',
    );
  },
);

test('write → read round-trip keeps names, order, dtypes, shapes, bytes and metadata; header is 8-aligned', () => {
  const ts = [
    floatTensor('w', [2, 3], [1, -2, 3.5, NaN, Infinity, -Infinity]),
    floatTensor('h', [4], [0.5, -1, 65504, 1e-8], 'F16'),
    floatTensor('scalar', [], [42]),
    floatTensor('empty', [0, 3], []),
    {
      name: 'ids',
      dtype: 'I64',
      shape: [2],
      data: new Uint8Array(new BigInt64Array([-5n, 2n ** 40n]).buffer),
    } as RawTensor,
  ];
  const bytes = writeSafetensors(ts, { format: 'pt' });
  const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(headerLen % 8, 0);
  const back = readSafetensors(bytes);
  assert.deepEqual(back.info, { format: 'safetensors', metadata: { format: 'pt' } });
  assert.deepEqual([...back.tensors.keys()], ['w', 'h', 'scalar', 'empty', 'ids']);
  for (const t of ts) {
    const r = back.tensors.get(t.name)!;
    assert.equal(r.dtype, t.dtype);
    assert.deepEqual(r.shape, t.shape);
    assert.deepEqual([...r.data], [...t.data], t.name);
  }
  assert.deepEqual(values(back.tensors.get('h')), [0.5, -1, 65504, toFloat32(ts[1]!)[3]]);
  assert.deepEqual(values(back.tensors.get('ids')), [-5, 2 ** 40]);
  const wv = values(back.tensors.get('w'));
  assert.ok(Number.isNaN(wv[3]) && wv[4] === Infinity && wv[5] === -Infinity);
});

test('toFloat32 into a given array (e.g. shared memory) writes there, the same values; a wrong length is refused', () => {
  for (const t of [floatTensor('w', [2, 2], [1, -2, 3.5, 4]), floatTensor('h', [3], [0.5, -1, 2], 'F16')]) {
    const into = new Float32Array(new SharedArrayBuffer(t.shape.reduce((a, d) => a * d, 1) * 4));
    assert.equal(toFloat32(t, into), into);
    assert.deepEqual([...into], [...toFloat32(t)]);
    assert.throws(() => toFloat32(t, new Float32Array(into.length + 1)), RangeError);
  }
});

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => readSafetensors(bytes),
    (e: unknown) => e instanceof WeightsError && e.code === 'WEIGHTS' && pattern.test(e.message),
  );
}

test('malformed files give a WeightsError saying what is wrong', () => {
  const good = writeSafetensors([floatTensor('a', [2], [1, 2]), floatTensor('b', [1], [3])]);
  rejects(good.subarray(0, 5), /at least 8/);
  rejects(good.subarray(0, good.byteLength - 1), /"b" data_offsets \[8, 12\] fall outside the 11-byte data section/);
  rejects(build({}, new Uint8Array(0), 1000n), /larger than/);
  rejects(build({}, new Uint8Array(0), 2n ** 40n), /exceeds the 100000000-byte limit/);
  rejects(build('not json', new Uint8Array(0)), /not valid UTF-8 JSON/);
  rejects(build('[1,2]', new Uint8Array(0)), /not a JSON object/);
  const d = new Uint8Array(12);
  rejects(build({ a: { dtype: 'F33', shape: [3], data_offsets: [0, 12] } }, d), /unknown dtype "F33"/);
  rejects(build({ a: { dtype: 'F32', shape: [3.5], data_offsets: [0, 12] } }, d), /invalid shape/);
  rejects(build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 12] } }, d), /has 12 bytes but F32\[2\] needs 8/);
  rejects(build({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, d), /outside the 12-byte data section/);
  rejects(build({ a: { dtype: 'F32', shape: [3], data_offsets: [4, 0] } }, d), /outside/);
  rejects(build({ a: { dtype: 'F32', shape: [3], data_offsets: [0] } }, d), /invalid data_offsets/);
  rejects(
    build(
      { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } },
      d,
    ),
    /"b" overlaps the previous tensor/,
  );
  rejects(build({ a: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, d), /gap before tensor "a"/);
  rejects(
    build({ __metadata__: { n: 1 }, a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }, d),
    /__metadata__\["n"\] is not a string/,
  );
  rejects(build({ a: 5 }, d), /entry "a" is not an object/);
  // The error message tells the user what to do.
  assert.throws(() => readSafetensors(good.subarray(0, 3)), /download it again/);
});

test(
  'every safetensors fixture: header length, names, dtypes, shapes and metadata as SOURCES.txt lists them',
  { skip: skipUnlessShared('data/format-fixtures/SOURCES.txt') },
  () => {
    const lines = readFileSync(sharedPath('data/format-fixtures/SOURCES.txt')!, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('safetensors/'));
    assert.equal(lines.length, 14);
    for (const line of lines) {
      const file = line.split(' | ')[0]!;
      const bytes = readFileSync(sharedPath(`data/format-fixtures/${file}`)!);
      const m = /hdrlen=(\d+) tensors=(\d+) __metadata__=(None|\{.*?\}): (.*)$/.exec(line);
      assert.ok(m, file);
      assert.equal(Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true)), Number(m[1]), file);
      const { tensors, info } = readSafetensors(bytes);
      assert.equal(tensors.size, Number(m[2]), file);
      const meta = m[3] === 'None' ? {} : JSON.parse(m[3]!.replace(/'/g, '"'));
      assert.deepEqual(info.metadata, meta, file);
      const expected = m[4]!.split('; ').map((e) => {
        const x = /^(.+):(\w+)\[([\d, ]*)\]$/.exec(e);
        assert.ok(x, e);
        return [x[1], x[2], x[3] ? x[3].split(', ').map(Number) : []];
      });
      const got = [...tensors.values()].map((t) => [t.name, t.dtype, t.shape]);
      const byName = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
      assert.deepEqual(got.sort(byName), expected.sort(byName), file);
    }
  },
);
