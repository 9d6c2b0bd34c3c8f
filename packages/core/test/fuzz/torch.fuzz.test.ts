/**
 * Fuzz: the pickle VM and torch.save readers (zip and legacy). Inputs: files written by the project's torch writers
 * and the real files of ../shared/data/format-fixtures/torch, damaged at byte level or inside data.pkl; random
 * pickle programs over every opcode (with lying lengths, memo indices, deep nesting); and foreign globals, which
 * must always end in UnsafePickleError. The allow-list used to judge them is written here independently.
 * Stated bound: 64 × the file's size + 16 MiB of buffers (harness allocBound).
 */
import './support/alloc-meter';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import fc from 'fast-check';
import { UnsafePickleError, WeightsError } from '../../src/errors';
import { DTYPE_SIZE, numel } from '../../src/weights/dtype';
import { PickleWriter } from '../../src/weights/pickle-writer';
import { readTorch } from '../../src/weights/torch';
import { writeTorchLegacy, writeTorchZip } from '../../src/weights/torch-writer';
import type { DType, RawTensor } from '../../src/weights/types';
import { sharedPath } from '../../test-support/shared';
import { metered } from './support/alloc-meter';
import { fuzzSync, params, stopWatchdog, REPLAY } from './support/harness';
import { applyByteOps, byteOps, concat, interestingNumber } from './support/mutate';

after(stopWatchdog);

const MiB = 1024 * 1024;
const enc = new TextEncoder();
const DTYPES: DType[] = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'];

const tensorArb: fc.Arbitrary<RawTensor> = fc
  .record({
    name: fc.stringMatching(/^[a-z]{1,6}(\.[a-z0-9]{1,4}){0,2}$/),
    dtype: fc.constantFrom(...DTYPES),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
  })
  .chain(({ name, dtype, shape }) =>
    fc
      .uint8Array({ minLength: numel(shape) * DTYPE_SIZE[dtype], maxLength: numel(shape) * DTYPE_SIZE[dtype] })
      .map((data) => ({ name, dtype, shape, data })),
  );

const written = fc
  .tuple(fc.uniqueArray(tensorArb, { minLength: 1, maxLength: 4, selector: (t) => t.name }), fc.boolean(), fc.boolean())
  .map(([ts, legacy, shareStorage]) =>
    legacy ? writeTorchLegacy(ts, { shareStorage }) : writeTorchZip(ts, { shareStorage }),
  );

function realFiles(): Uint8Array[] {
  const dir = sharedPath('data/format-fixtures/torch');
  if (!dir) return [];
  const out: Uint8Array[] = [];
  for (const sub of readdirSync(dir))
    for (const f of readdirSync(path.join(dir, sub)))
      if (/\.(pt|pth|bin)$/.test(f)) out.push(new Uint8Array(readFileSync(path.join(dir, sub, f))));
  return out.filter((b) => b.byteLength < 64 * 1024);
}
const REAL = realFiles();
const seeds = REAL.length > 0 ? fc.oneof(written, fc.constantFrom(...REAL)) : written;

// ---- random pickle programs ------------------------------------------------------------------------------------
const u32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
};
const u64 = (n: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(Math.trunc(n))), true);
  return b;
};
const op = (code: string | number, ...rest: Uint8Array[]) =>
  concat(Uint8Array.of(typeof code === 'string' ? code.charCodeAt(0) : code), ...rest);
const text = (s: string) => enc.encode(`${s}\n`);

const MODULES = [
  'torch',
  'torch._utils',
  'collections',
  'os',
  'posix',
  'builtins',
  '__builtin__',
  'subprocess',
  'numpy.core.multiarray',
  'torch._tensor',
  'torch.nn.parameter',
  'torch.storage',
];
const NAMES = [
  '_rebuild_tensor_v2',
  '_rebuild_parameter',
  'OrderedDict',
  'FloatStorage',
  'LongStorage',
  'float32',
  'device',
  'system',
  'eval',
  'exec',
  'getattr',
  '__import__',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'Popen',
  '_reconstruct',
  'Storage',
  'Tensor',
  'Parameter',
  'UntypedStorage',
  'ComplexFloatStorage',
  '_rebuild_from_type_v2',
];

/** Allowed globals, written independently of src/weights/torch.ts from PyTorch's weights_only unpickler list. */
function allowedHere(module: string, name: string): boolean {
  const storages = [
    'Float',
    'Half',
    'BFloat16',
    'Double',
    'Long',
    'Int',
    'Short',
    'Char',
    'Byte',
    'Bool',
    'ComplexFloat',
    'ComplexDouble',
    'QInt8',
    'QUInt8',
    'QInt32',
    'QUInt4x2',
    'QUInt2x4',
    'Untyped',
    '',
  ];
  const dtypes = [
    'float32',
    'float',
    'float16',
    'half',
    'bfloat16',
    'float64',
    'double',
    'int64',
    'long',
    'int32',
    'int',
    'int16',
    'short',
    'int8',
    'uint8',
    'bool',
    'uint16',
    'uint32',
    'uint64',
  ];
  const q = `${module}.${name}`;
  if (module === 'torch')
    return (
      storages.some((s) => name === `${s}Storage`) || dtypes.includes(name) || name === 'device' || name === 'Tensor'
    );
  return [
    'collections.OrderedDict',
    'torch._utils._rebuild_tensor_v2',
    'torch._utils._rebuild_tensor',
    'torch._utils._rebuild_parameter',
    'torch._utils._rebuild_parameter_with_state',
    'torch._tensor._rebuild_from_type_v2',
    'torch.storage.UntypedStorage',
    'torch.nn.parameter.Parameter',
  ].includes(q);
}

const globalOp = fc
  .tuple(fc.constantFrom(...MODULES), fc.constantFrom(...NAMES), fc.constantFrom('GLOBAL', 'STACK_GLOBAL', 'INST'))
  .map(([m, n, how]) =>
    how === 'GLOBAL'
      ? op('c', text(m), text(n))
      : how === 'INST'
        ? concat(op('('), op('i', text(m), text(n)))
        : concat(
            op(0x8c, Uint8Array.of(enc.encode(m).length), enc.encode(m)),
            op(0x8c, Uint8Array.of(enc.encode(n).length), enc.encode(n)),
            op(0x93),
          ),
  );

const NOARG = '(}d])lt\x85\x86\x87\x8f\x90\x91N\x88\x890123suae\x93R\x81\x92bQ\x94o.'
  .split('')
  .map((c) => c.charCodeAt(0));

const opcode: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...NOARG).map((c) => Uint8Array.of(c)) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 255 }).map((n) => op('K', Uint8Array.of(n))) },
  { weight: 1, arbitrary: interestingNumber.map((n) => op('J', u32(n))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }).map((b) => op(0x8a, Uint8Array.of(b.length), b)) },
  {
    weight: 1,
    arbitrary: fc.tuple(interestingNumber, fc.uint8Array({ maxLength: 8 })).map(([n, b]) => op(0x8b, u32(n), b)),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ maxLength: 8 })
      .map((s) => op(0x8c, Uint8Array.of(enc.encode(s).length & 0xff), enc.encode(s))),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(interestingNumber, fc.string({ maxLength: 8 })).map(([n, s]) => op('X', u32(n), enc.encode(s))),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(0x8d, 0x8e, 0x96, 0x95), interestingNumber, fc.uint8Array({ maxLength: 8 }))
      .map(([c, n, b]) => op(c, u64(n), b)),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('B', 'T', 'C', 'U'), interestingNumber, fc.uint8Array({ maxLength: 8 }))
      .map(([c, n, b]) => op(c, c === 'C' || c === 'U' ? Uint8Array.of(n & 0xff) : u32(n), b)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('q', 'h'), fc.integer({ min: 0, max: 8 }))
      .map(([c, n]) => op(c, Uint8Array.of(n))),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('r', 'j'), interestingNumber).map(([c, n]) => op(c, u32(n))) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('p', 'g', 'I', 'L', 'F', 'S', 'V', 'P'),
        fc.oneof(
          interestingNumber.map(String),
          fc.string({ maxLength: 10 }),
          fc.constantFrom("'abc'", '"x"', '01', '00', '123L', '1e999', 'nan'),
        ),
      )
      .map(([c, s]) => op(c, text(s.replace(/\n/g, '')))),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }).map((n) => op(0x80, Uint8Array.of(n))) },
  { weight: 2, arbitrary: globalOp },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }).map((n) => Uint8Array.of(n)) },
);

/** Deep or wide structures: MARK/EMPTY_LIST nesting, memo fan-out ("billion laughs"), long APPENDS. */
const shaped: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .integer({ min: 1, max: 200_000 })
    .map((n) =>
      concat(
        op(0x80, Uint8Array.of(2)),
        new Uint8Array(n).fill(']'.charCodeAt(0)),
        ...Array.from({ length: Math.min(n, 1000) }, () => op('a')),
        op('.'),
      ),
    ),
  fc
    .integer({ min: 1, max: 100_000 })
    .map((n) =>
      concat(op(0x80, Uint8Array.of(2)), op(']'), op('('), new Uint8Array(n).fill('N'.charCodeAt(0)), op('e'), op('.')),
    ),
  fc.integer({ min: 1, max: 60 }).map((depth) => {
    // L0 = [None]; L(k+1) = [Lk, Lk] through the memo: 2^depth entries from a few hundred bytes
    const parts = [op(0x80, Uint8Array.of(2)), op(']'), op('N'), op('a'), op('q', Uint8Array.of(0)), op('0')];
    for (let k = 0; k < depth; k++) {
      const get = op('h', Uint8Array.of(k & 0xff));
      parts.push(op(']'), get, op('a'), get, op('a'), op('q', Uint8Array.of((k + 1) & 0xff)), op('0'));
    }
    parts.push(op('h', Uint8Array.of(depth & 0xff)), op('.'));
    return concat(...parts);
  }),
);

const program = fc
  .array(opcode, { minLength: 1, maxLength: 40 })
  .map((ops) => concat(op(0x80, Uint8Array.of(2)), ...ops, op('.')));
const inZip = (pkl: Uint8Array, storage = new Uint8Array(64)) =>
  zipSync(
    { 'archive/data.pkl': pkl, 'archive/data/0': storage, 'archive/byteorder': enc.encode('little') },
    { level: 0 },
  );

/** data.pkl of a real / written zip with its bytes damaged, re-zipped. */
const pklMutated = fc.tuple(seeds, byteOps(3)).map(([seed, ops]) => {
  if (seed[0] !== 0x50) return applyByteOps(seed, ops);
  const files: Record<string, Uint8Array> = unzipSync(seed);
  const name = Object.keys(files).find((n) => n.endsWith('data.pkl'));
  if (name) files[name] = applyByteOps(files[name]!, ops);
  return zipSync(files, { level: 0 });
});

function checkTensors(r: ReturnType<typeof readTorch>): void {
  for (const [name, t] of r.tensors) {
    assert.equal(t.name, name);
    assert.equal(t.data.byteLength, numel(t.shape) * DTYPE_SIZE[t.dtype], `${name}: data size matches dtype × shape`);
  }
}

test('fuzz torch.save readers: damaged files, damaged data.pkl, random pickle programs, deep and shared structures', (t) => {
  const stats = fuzzSync({
    name: 'torch',
    input: fc.oneof(
      { weight: 3, arbitrary: fc.tuple(seeds, byteOps(4)).map(([s, ops]) => applyByteOps(s, ops)) },
      { weight: 3, arbitrary: pklMutated },
      { weight: 4, arbitrary: program.map((p) => inZip(p)) },
      { weight: 1, arbitrary: shaped.map((p) => inZip(p)) },
      { weight: 1, arbitrary: seeds },
    ),
    read: (b: Uint8Array) => readTorch(b),
    check: checkTensors,
    size: (b) => b.byteLength,
    runs: 500,
  });
  t.diagnostic(`torch: ${stats.runs} inputs, ${stats.accepted} read, ${stats.refused} refused with a typed error`);
  assert.ok(REPLAY || (stats.refused > stats.runs / 4 && stats.accepted > 0), 'the inputs exercise both outcomes');
});

test('fuzz foreign globals: any name outside the allow-list ends in UnsafePickleError, whatever precedes it', (t) => {
  const push = fc.constantFrom(
    op('N'),
    op(0x88),
    op('K', Uint8Array.of(7)),
    op(']'),
    op('}'),
    op(')'),
    op(0x8c, Uint8Array.of(1), enc.encode('x')),
  );
  const foreign = fc
    .tuple(fc.constantFrom(...MODULES), fc.oneof(fc.constantFrom(...NAMES), fc.stringMatching(/^[A-Za-z_]{1,12}$/)))
    .filter(([m, n]) => !allowedHere(m, n));
  let n = 0;
  fc.assert(
    fc.property(
      fc.array(push, { maxLength: 8 }),
      foreign,
      fc.constantFrom('GLOBAL', 'STACK_GLOBAL', 'INST'),
      fc.boolean(),
      (prefix, [m, name], how, legacy) => {
        const g =
          how === 'GLOBAL'
            ? op('c', text(m), text(name))
            : how === 'INST'
              ? concat(op('('), op('i', text(m), text(name)))
              : concat(
                  op(0x8c, Uint8Array.of(enc.encode(m).length), enc.encode(m)),
                  op(0x8c, Uint8Array.of(enc.encode(name).length), enc.encode(name)),
                  op(0x93),
                );
        const pkl = concat(op(0x80, Uint8Array.of(2)), ...prefix, g, op(')'), op('R'), op('.'));
        const bytes = legacy ? legacyWith(pkl) : inZip(pkl);
        const out = metered(() => readTorch(bytes));
        n++;
        assert.ok(
          out.error instanceof UnsafePickleError,
          `${m}.${name} via ${how}: ${String(out.error ?? 'accepted')}`,
        );
        assert.equal((out.error as UnsafePickleError).global, `${m}.${name}`);
      },
    ),
    params(300),
  );
  t.diagnostic(`foreign globals: ${n} pickles, all refused with UnsafePickleError`);
});

/** A legacy torch file whose main pickle is `pkl` (magic, protocol and sys_info as torch writes them, no storages). */
function legacyWith(pkl: Uint8Array): Uint8Array {
  const magic = new PickleWriter().proto().int(0x1950a86a20f9469cfc6cn).finish();
  const protocol = new PickleWriter().proto().int(1001).finish();
  const sys = new PickleWriter().proto().op('}').finish();
  return concat(magic, protocol, sys, pkl, new PickleWriter().proto().op(']').finish());
}

test('claims of huge lengths (LONG4, BINUNICODE8, storage sizes, strided views) are refused without allocating them', () => {
  const claims = [
    inZip(concat(op(0x80, Uint8Array.of(2)), op(0x8b, u32(2 ** 32 - 1)), op('.'))),
    inZip(concat(op(0x80, Uint8Array.of(4)), op(0x8d, u64(2 ** 60)), op('.'))),
    inZip(concat(op(0x80, Uint8Array.of(4)), op(0x8e, u64(2 ** 53)), op('.'))),
  ];
  // a legacy storage claiming 2^60 elements
  const legacy = writeTorchLegacy([{ name: 'a', dtype: 'F32', shape: [2], data: new Uint8Array(8) }]);
  const at = legacy.byteLength - 16;
  const big = legacy.slice();
  new DataView(big.buffer).setBigUint64(at, 2n ** 60n, true);
  claims.push(big);
  const heap0 = process.memoryUsage().heapUsed;
  for (const b of claims) {
    const t0 = performance.now();
    const out = metered(() => readTorch(b));
    assert.ok(out.error instanceof WeightsError, String(out.error));
    assert.ok(performance.now() - t0 < 200, 'refused at once');
    assert.ok(out.bytes < 1 * MiB, `allocated ${out.bytes} bytes`);
  }
  assert.ok(process.memoryUsage().heapUsed - heap0 < 16 * MiB);
});

test('regressions found by this fuzzing: torch.constructor is not allow-listed; a memo "billion laughs" is refused at once', () => {
  const ctor = inZip(
    concat(op(0x80, Uint8Array.of(2)), op('c', text('torch'), text('constructor')), op(')'), op('R'), op('.')),
  );
  assert.throws(
    () => readTorch(ctor),
    (e: unknown) => e instanceof UnsafePickleError && e.global === 'torch.constructor',
  );
  const parts = [op(0x80, Uint8Array.of(2)), op(']'), op('N'), op('a'), op('q', Uint8Array.of(0)), op('0')];
  for (let k = 0; k < 60; k++) {
    const get = op('h', Uint8Array.of(k));
    parts.push(op(']'), get, op('a'), get, op('a'), op('q', Uint8Array.of(k + 1)), op('0'));
  }
  const laughs = inZip(concat(...parts, op('h', Uint8Array.of(60)), op('.')));
  const t0 = performance.now();
  assert.throws(
    () => readTorch(laughs),
    (e: unknown) => e instanceof WeightsError && /expands to more than/.test(e.message),
  );
  assert.ok(performance.now() - t0 < 300, `${(performance.now() - t0).toFixed(0)} ms (was ~1 s before the budget)`);
});

test('an expanded (stride-0) view may not turn a 4-byte storage into 1 GB', () => {
  const w = new PickleWriter().proto().op('}').op('(').str('x').global('torch._utils', '_rebuild_tensor_v2').op('(');
  w.op('(').str('storage').global('torch', 'FloatStorage').str('0').str('cpu').int(1).op('t').op('Q');
  w.int(0)
    .intTuple([2 ** 14, 2 ** 14])
    .intTuple([0, 0])
    .bool(false)
    .global('collections', 'OrderedDict');
  w.op(')').op('R').op('t').op('R').op('u');
  const file = zipSync({ 'a/data.pkl': w.finish(), 'a/data/0': new Uint8Array(4) });
  const out = metered(() => readTorch(file));
  assert.ok(
    out.error instanceof WeightsError && /strided view of 1073741824 bytes/.test(out.error.message),
    String(out.error),
  );
  assert.ok(out.bytes < MiB);
});
