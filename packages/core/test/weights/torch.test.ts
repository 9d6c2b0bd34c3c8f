import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { UnsafePickleError, WeightsError } from '../../src/errors';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { floatTensor, toFloat32 } from '../../src/weights/dtype';
import { PickleWriter } from '../../src/weights/pickle-writer';
import { unpickle, type PickleHooks } from '../../src/weights/pickle';
import { readTorch, unwrapStateDict } from '../../src/weights/torch';
import { writeTorchLegacy, writeTorchZip } from '../../src/weights/torch-writer';
import type { DType, RawTensor } from '../../src/weights/types';

const DIR = 'data/format-fixtures/torch';
const SOURCES = 'data/format-fixtures/SOURCES.txt';
const TORCH_TYPE: Record<string, DType> = {
  Float: 'F32',
  Half: 'F16',
  BFloat16: 'BF16',
  Double: 'F64',
  Long: 'I64',
  Int: 'I32',
  Short: 'I16',
  Char: 'I8',
  Byte: 'U8',
  Bool: 'BOOL',
};

function load(rel: string) {
  return readTorch(readFileSync(sharedPath(`${DIR}/${rel}`)!), rel);
}
function vals(t: RawTensor | undefined): number[] {
  assert.ok(t, 'tensor present');
  return [...toFloat32(t)];
}
function close(actual: number[], expected: number[], tol = 0) {
  assert.equal(actual.length, expected.length);
  if (tol > 0) return actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) <= tol, `${a} vs ${expected[i]}`));
  actual.forEach((a, i) =>
    assert.ok(Object.is(a, Math.fround(expected[i]!)) || a === expected[i], `${a} vs ${expected[i]}`),
  );
}

test(
  'every torch fixture lists the names, dtypes and shapes SOURCES.txt gives',
  { skip: skipUnlessShared(SOURCES) },
  () => {
    const lines = readFileSync(sharedPath(SOURCES)!, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('torch/'));
    assert.ok(lines.length >= 50, `${lines.length} torch fixtures listed`);
    for (const line of lines) {
      const file = line.split(' | ')[0]!.slice('torch/'.length);
      const listing = line.slice(line.lastIndexOf(' :: ') + 4);
      const truncated = listing.endsWith(' ...');
      const expected = listing
        .replace(/ \.\.\.$/, '')
        .split('; ')
        .map((e) => {
          const m = /^(.+): (\w+) \[([\d, ]*)\]( off=\d+)?$/.exec(e);
          assert.ok(m, `parse "${e}" in ${file}`);
          return { name: m[1]!, dtype: TORCH_TYPE[m[2]!], shape: m[3] ? m[3].split(', ').map(Number) : [] };
        });
      const { tensors, info } = load(file);
      assert.equal(info.format, line.includes('format=legacy') ? 'torch-legacy' : 'torch-zip', file);
      const got = [...tensors.values()].map((t) => ({ name: t.name, dtype: t.dtype, shape: [...t.shape] }));
      if (truncated) assert.deepEqual(got.slice(0, expected.length), expected, file);
      else assert.deepEqual(got, expected, file);
      const total = Number(/tensors=(\d+)/.exec(line)?.[1]);
      assert.equal(tensors.size, total, `${file}: tensors=${total}`);
    }
  },
);

test(
  'known values: every dtype, 0-d, empty, NaN/Inf, extremes, mixed (burn test_data.py)',
  { skip: skipUnlessShared(DIR) },
  () => {
    const one = (f: string) => vals(load(`burn/${f}`).tensors.get('tensor'));
    close(one('float32.pt'), [1.0, 2.5, -3.7, 0.0]);
    close(one('float16.pt'), [1.5, -2.25, 3.125]);
    close(one('bfloat16.pt'), [1.5, -2.5, 3.5]);
    close(one('float64.pt'), [1.1, 2.2, 3.3]);
    close(one('int64.pt'), [100, -200, 300, 0]);
    close(one('int32.pt'), [10, 20, -30]);
    close(one('int16.pt'), [1000, -2000, 3000]);
    close(one('int8.pt'), [127, -128, 0, 50]);
    close(one('uint8.pt'), [0, 128, 255, 42]);
    close(one('bool.pt'), [1, 0, 1, 1, 0]);
    close(one('tensor_2d.pt'), [1, 2, 3, 4, 5, 6]);
    close(one('extreme_values.pt'), [1e-30, 1e30, -1e-30, -1e30]);
    const f64 = load('burn/float64.pt').tensors.get('tensor')!;
    assert.equal(new DataView(f64.data.buffer, f64.data.byteOffset).getFloat64(8, true), 2.2, 'F64 bytes exact');
    const scalar = load('burn/scalar.pt').tensors.get('tensor')!;
    assert.deepEqual(scalar.shape, []);
    close(vals(scalar), [42]);
    const empty = load('burn/empty.pt').tensors.get('tensor')!;
    assert.deepEqual([empty.shape, empty.data.byteLength], [[0], 0]);
    const sv = one('special_values.pt');
    assert.ok(Number.isNaN(sv[0]) && sv[1] === Infinity && sv[2] === -Infinity && sv[3] === 0 && sv[4] === 1);
    const mixed = load('burn/mixed_types.pt').tensors;
    close(vals(mixed.get('float32')), [1, 2]);
    close(vals(mixed.get('int64')), [100, 200]);
    close(vals(mixed.get('bool')), [1, 0]);
    close(vals(mixed.get('float64')), [1.1, 2.2]);
    assert.deepEqual(
      load('burn/parameter.pt').tensors.get('param')?.shape,
      [3, 3],
      'nn.Parameter via _rebuild_parameter',
    );
  },
);

test('Fortran-order strides are applied: values come out row-major', { skip: skipUnlessShared(DIR) }, () => {
  const bytes = readFileSync(sharedPath(`${DIR}/candle/fortran_tensor_3d.pth`)!);
  const t = readTorch(bytes).tensors.get('tensor_fortran')!;
  assert.deepEqual(t.shape, [2, 3, 4]);
  close(
    vals(t),
    Array.from({ length: 24 }, (_, i) => i + 1),
  );
  // The raw storage really is column-major (so this test would fail without the strides).
  const raw = Object.entries(unzipSync(bytes)).find(([n]) => n.endsWith('/data/0'))![1];
  assert.deepEqual([...new BigInt64Array(raw.slice().buffer)].slice(0, 4).map(Number), [1, 13, 5, 17]);
});

test('legacy format: shared storage with offsets, cloned storages, offsets', { skip: skipUnlessShared(DIR) }, () => {
  const views = load('burn/legacy_uncloned_views.pt');
  assert.equal(views.info.format, 'torch-legacy');
  close(
    vals(views.tensors.get('tensor1')),
    Array.from({ length: 10 }, (_, i) => 10 + i),
  );
  close(
    vals(views.tensors.get('tensor2')),
    Array.from({ length: 10 }, (_, i) => 50 + i),
  );
  const off = load('burn/legacy_with_offsets.pt').tensors;
  close(
    vals(off.get('tensor1')),
    Array.from({ length: 10 }, (_, i) => 1 + i / 100),
    1e-6,
  );
  close(vals(off.get('tensor2')), [2.0, 2.1, 2.2, 2.3, 2.4]);
  close(vals(off.get('tensor3')), [3.0, 3.1, 3.2, 3.3, 3.4]);
  const simple = load('burn/simple_legacy.pt').tensors;
  assert.deepEqual(simple.get('weight')?.shape, [2, 3]);
  close(vals(simple.get('bias')), [1, 1]);
  const shared = load('burn/legacy_shared_storage.pt').tensors;
  assert.deepEqual(
    [...shared.values()].map((t) => t.shape),
    [[10], [20], [10]],
  );
});

test(
  'nested dicts are flattened with "."; unwrapStateDict strips a single wrapper',
  { skip: skipUnlessShared(DIR) },
  () => {
    const ck = load('burn/checkpoint.pt').tensors;
    assert.ok(ck.has('model_state_dict.fc1.weight'));
    assert.ok(ck.has('optimizer_state_dict.state.0.momentum_buffer'));
    assert.deepEqual([...unwrapStateDict(ck).keys()], ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    const keyed = load('candle/test_with_key.pt').tensors;
    assert.deepEqual([...keyed.keys()], ['model_state_dict.test']);
    assert.deepEqual([...unwrapStateDict(keyed).keys()], ['test']);
    close(vals(unwrapStateDict(keyed).get('test')), [1, 2, 3, 4, 5, 6, 7, 8]);
    // Non-tensor entries (epoch, config strings, lr …) are skipped; two unrelated top-level keys are not unwrapped.
    const cfg = load('burn/config__weights_with_config.pt').tensors;
    assert.deepEqual([...cfg.keys()], ['my_model.fc1.weight', 'my_model.fc1.bias', 'my_model.fc2.weight']);
    const cs = load('burn/complex_structure.pt').tensors;
    assert.equal(unwrapStateDict(cs), cs);
  },
);

test('writeTorchZip / writeTorchLegacy round-trip, shared storages at offsets, 64-byte aligned records', () => {
  const ts: RawTensor[] = [
    floatTensor('a.weight', [2, 3], [1, 2, 3, 4, 5, 6]),
    floatTensor('a.bias', [3], [-1, 0.5, NaN]),
    floatTensor('h', [2], [1.5, -2], 'F16'),
    floatTensor('scalar', [], [3]),
    floatTensor('empty', [0], []),
    { name: 'ids', dtype: 'I64', shape: [2], data: new Uint8Array(new BigInt64Array([7n, -9n]).buffer) },
    { name: 'mask', dtype: 'BOOL', shape: [3], data: Uint8Array.from([1, 0, 1]) },
  ];
  for (const [label, bytes] of [
    ['zip', writeTorchZip(ts)],
    ['zip shared', writeTorchZip(ts, { shareStorage: true })],
    ['legacy', writeTorchLegacy(ts)],
    ['legacy shared', writeTorchLegacy(ts, { shareStorage: true })],
  ] as const) {
    const back = readTorch(bytes).tensors;
    assert.deepEqual(
      [...back.keys()],
      ts.map((t) => t.name),
      label,
    );
    for (const t of ts) {
      const r = back.get(t.name)!;
      assert.deepEqual([r.dtype, r.shape, [...r.data]], [t.dtype, t.shape, [...t.data]], `${label} ${t.name}`);
    }
  }
  // Storage records start on 64-byte boundaries (what torch's own writer does, for mmap).
  const zip = writeTorchZip(ts);
  const dv = new DataView(zip.buffer);
  for (let pos = 0; dv.getUint32(pos, true) === 0x04034b50;) {
    const nameLen = dv.getUint16(pos + 26, true);
    const extraLen = dv.getUint16(pos + 28, true);
    const size = dv.getUint32(pos + 18, true);
    const dataAt = pos + 30 + nameLen + extraLen;
    assert.equal(dataAt % 64, 0, new TextDecoder().decode(zip.subarray(pos + 30, pos + 30 + nameLen)));
    pos = dataAt + size;
  }
});

test('big-endian byteorder record: values are byte-swapped', () => {
  const files = unzipSync(writeTorchZip([floatTensor('x', [2], [1.5, -3])]));
  const le = files['archive/data/0']!;
  const be = new Uint8Array(le.length);
  for (let i = 0; i < le.length; i += 4) for (let j = 0; j < 4; j++) be[i + j] = le[i + 3 - j]!;
  files['archive/data/0'] = be;
  files['archive/byteorder'] = new TextEncoder().encode('big');
  close(vals(readTorch(zipSync(files)).tensors.get('x')), [1.5, -3]);
});

/** Byte length of the three preamble pickles (magic, protocol, sys_info) of a legacy file. */
function preambleLength(legacy: Uint8Array): number {
  const none: PickleHooks = { allowGlobal: () => false, reduce: () => undefined };
  let end = 0;
  for (let i = 0; i < 3; i++) end = unpickle(legacy, none, end).end;
  return end;
}

test('legacy storage views (view_metadata) resolve into the root storage', () => {
  const w = new PickleWriter().proto().op('}').op('(');
  w.str('v').global('torch._utils', '_rebuild_tensor_v2').op('(');
  w.op('(').str('storage').global('torch', 'FloatStorage').str('root').str('cpu').int(6);
  w.op('(').str('view').int(2).int(4).op('t').op('t').op('Q'); // view of elements 2..5
  w.int(1).intTuple([2]).intTuple([1]).bool(false).global('collections', 'OrderedDict').op(')').op('R').op('t').op('R');
  w.op('u');
  const pre = writeTorchLegacy([]);
  const cut = preambleLength(pre);
  const keys = new PickleWriter().proto().op(']').op('(').str('root').op('e').finish();
  const count = new Uint8Array(8);
  count[0] = 6;
  const data = new Uint8Array(new Float32Array([0, 1, 2, 3, 4, 5]).buffer);
  const file = Uint8Array.from([...pre.subarray(0, cut), ...w.finish(), ...keys, ...count, ...data]);
  close(vals(readTorch(file).tensors.get('v')), [3, 4]);
});

const marker = path.join(os.tmpdir(), `browser-bert-pwned-${process.pid}`);

function maliciousPickle(kind: 'GLOBAL' | 'STACK_GLOBAL', module: string, name: string): Uint8Array {
  const w = new PickleWriter().proto().op('}').op('(');
  w.str('ok').global('collections', 'OrderedDict').op(')').op('R');
  w.str('payload');
  if (kind === 'GLOBAL') w.global(module, name);
  else w.str(module).str(name).op(0x93);
  w.str(`touch ${marker}`).op(0x85).op('R');
  return w.op('u').finish();
}

test('a pickle naming os.system / builtins.eval (zip and legacy) is refused before anything happens; nothing runs', () => {
  for (const [kind, module, name] of [
    ['GLOBAL', 'os', 'system'],
    ['GLOBAL', 'posix', 'system'],
    ['STACK_GLOBAL', 'builtins', 'eval'],
    ['GLOBAL', '__builtin__', 'exec'],
    ['GLOBAL', 'torch', 'load'],
    ['GLOBAL', 'torch._utils', 'not_a_rebuild'],
  ] as const) {
    const pkl = maliciousPickle(kind, module, name);
    const asZip = zipSync({ 'archive/data.pkl': pkl, 'archive/version': new TextEncoder().encode('3\n') });
    const legacy = writeTorchLegacy([]);
    const asLegacy = Uint8Array.from([...legacy.subarray(0, preambleLength(legacy)), ...pkl]);
    for (const bytes of [asZip, asLegacy]) {
      assert.throws(
        () => readTorch(bytes),
        (e: unknown) =>
          e instanceof UnsafePickleError &&
          e.global === `${module}.${name}` &&
          e.code === 'UNSAFE_PICKLE' &&
          e.message.includes(`${module}.${name}`) &&
          /safetensors/.test(e.message),
      );
    }
  }
  assert.equal(existsSync(marker), false, 'the payload never ran');
});

test('not a checkpoint: HTML error page, LFS pointer, empty, random bytes, damaged zip, bad strides', () => {
  const html = new TextEncoder().encode(
    '<!DOCTYPE html>\n<html><head><title>404</title></head><body>Not found</body></html>',
  );
  assert.throws(
    () => readTorch(html, 'pytorch_model.bin'),
    /"pytorch_model\.bin" .*looks like HTML.*download probably failed/,
  );
  const lfs = new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 42\n');
  assert.throws(() => readTorch(lfs), /Git LFS pointer/);
  assert.throws(() => readTorch(new Uint8Array(0)), /empty/);
  assert.throws(
    () => readTorch(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9])),
    /unrecognised content \(first bytes 01 02/,
  );
  const zip = writeTorchZip([floatTensor('x', [4], [1, 2, 3, 4])]);
  assert.throws(() => readTorch(zip.subarray(0, zip.length - 40)), WeightsError);
  const noPkl = zipSync({ 'foo/bar.txt': new Uint8Array(3) });
  assert.throws(() => readTorch(noPkl), /without data\.pkl/);
  // A tensor whose size/stride reaches past its storage.
  const w = new PickleWriter().proto().op('}').op('(').str('x').global('torch._utils', '_rebuild_tensor_v2').op('(');
  w.op('(').str('storage').global('torch', 'FloatStorage').str('0').str('cpu').int(4).op('t').op('Q');
  w.int(2)
    .intTuple([4])
    .intTuple([1])
    .bool(false)
    .global('collections', 'OrderedDict')
    .op(')')
    .op('R')
    .op('t')
    .op('R')
    .op('u');
  const bad = zipSync({ 'a/data.pkl': w.finish(), 'a/data/0': new Uint8Array(16) });
  assert.throws(() => readTorch(bad), /"x" reaches element 5 but its storage has 4/);
  // Truncated legacy stream.
  const legacy = writeTorchLegacy([floatTensor('x', [4], [1, 2, 3, 4])]);
  assert.throws(() => readTorch(legacy.subarray(0, legacy.length - 3)), /storage 0 is truncated/);
  // An allowed name used as a function it is not.
  const odd = new PickleWriter().proto().global('torch', 'FloatStorage').op(')').op('R').finish();
  assert.throws(() => readTorch(zipSync({ 'a/data.pkl': odd })), /Unsupported object.*torch\.FloatStorage/);
});

test('hostile structures: a list containing itself, a shared-container blow-up, a huge expanded view', () => {
  const asZip = (pkl: Uint8Array) => zipSync({ 'a/data.pkl': pkl });
  // l = []; l.append(l)
  const cyc = new PickleWriter().proto().op(']').op('q').op(0).op('h').op(0).op('a').finish();
  assert.throws(() => readTorch(asZip(cyc)), /contains itself/);
  // x0 = []; x1 = [x0, x0]; … 40 levels: 2^40 paths, tiny file
  const w = new PickleWriter().proto().op(']');
  for (let i = 0; i < 40; i++) w.op('q').op(0).op('0').op('h').op(0).op('h').op(0).op(0x86);
  assert.throws(() => readTorch(asZip(w.finish())), /expands to more than \d+ entries/);
  // A 1-element storage expanded (stride 0) to 2^40 elements.
  const big = new PickleWriter().proto().op('}').op('(').str('x').global('torch._utils', '_rebuild_tensor_v2').op('(');
  big.op('(').str('storage').global('torch', 'FloatStorage').str('0').str('cpu').int(1).op('t').op('Q');
  big
    .int(0)
    .intTuple([2 ** 20, 2 ** 20])
    .intTuple([0, 0])
    .bool(false)
    .global('collections', 'OrderedDict');
  big.op(')').op('R').op('t').op('R').op('u');
  const file = zipSync({ 'a/data.pkl': big.finish(), 'a/data/0': new Uint8Array(4) });
  assert.throws(() => readTorch(file), /strided view of \d+ bytes, over the/);
  // A deflated record that inflates 1000×.
  const bomb = zipSync({ 'a/data.pkl': [new Uint8Array(8 << 20), { level: 9 }] });
  assert.ok(bomb.length < 100_000);
  assert.throws(() => readTorch(bomb), /inflates from \d+ to 8388608 bytes/);
});
