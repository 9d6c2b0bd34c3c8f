/**
 * Fuzz: safetensors (header JSON, offsets, dtypes, lying lengths) and sharded-checkpoint indexes. Seeds are files
 * written by writeSafetensors and the real files in ../shared/data/format-fixtures/safetensors (when present).
 * Stated bound: readSafetensors returns views into its input and allocates no tensor data (≤ 1 MiB of buffers).
 */
import './support/alloc-meter';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { WeightsError } from '../../src/errors';
import { unsafeNameReason } from '../../src/util/safe-name';
import { DTYPE_SIZE, numel } from '../../src/weights/dtype';
import { readSafetensors, writeSafetensors } from '../../src/weights/safetensors';
import { readSafetensorsIndex } from '../../src/weights/sharded';
import type { DType, RawTensor } from '../../src/weights/types';
import { sharedPath } from '../../test-support/shared';
import { metered } from './support/alloc-meter';
import { fuzzSync, jsonSize, stopWatchdog, REPLAY } from './support/harness';
import { applyByteOps, applyJsonOps, byteOps, concat, interestingNumber, jsonOps } from './support/mutate';

after(stopWatchdog);

const MiB = 1024 * 1024;
const DTYPES = Object.keys(DTYPE_SIZE) as DType[];

const tensorArb: fc.Arbitrary<RawTensor> = fc
  .record({
    name: fc.string({ minLength: 1, maxLength: 12 }).filter((n) => n !== '__metadata__'),
    dtype: fc.constantFrom(...DTYPES),
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
  })
  .chain(({ name, dtype, shape }) =>
    fc
      .uint8Array({ minLength: numel(shape) * DTYPE_SIZE[dtype], maxLength: numel(shape) * DTYPE_SIZE[dtype] })
      .map((data) => ({ name, dtype, shape, data })),
  );

const written: fc.Arbitrary<Uint8Array> = fc
  .uniqueArray(tensorArb, { maxLength: 5, selector: (t) => t.name })
  .chain((ts) =>
    fc
      .option(fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }), {
        nil: undefined,
      })
      .map((meta) => writeSafetensors(ts, meta)),
  );

function realFiles(): Uint8Array[] {
  const dir = sharedPath('data/format-fixtures/safetensors');
  if (!dir) return [];
  const out: Uint8Array[] = [];
  for (const sub of readdirSync(dir))
    for (const f of readdirSync(path.join(dir, sub)))
      if (f.endsWith('.safetensors')) out.push(new Uint8Array(readFileSync(path.join(dir, sub, f))));
  return out;
}
const REAL = realFiles();
const seeds = REAL.length > 0 ? fc.oneof(written, fc.constantFrom(...REAL)) : written;

function splitHeader(b: Uint8Array): { header: unknown; data: Uint8Array } | undefined {
  try {
    const n = Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true));
    return { header: JSON.parse(new TextDecoder().decode(b.subarray(8, 8 + n))), data: b.subarray(8 + n) };
  } catch {
    return undefined;
  }
}

/** Header edits (values, keys, nesting) re-encoded with a correct or a lying header length. */
const headerMutated: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    seeds,
    jsonOps(3),
    fc.option(
      fc.oneof(
        interestingNumber.map((n) => BigInt.asUintN(64, BigInt(Math.trunc(n)))),
        fc.constantFrom(2n ** 60n, 2n ** 64n - 1n),
      ),
      { nil: undefined },
    ),
  )
  .map(([seed, ops, lie]) => {
    const parts = splitHeader(seed);
    if (!parts) return seed;
    let text: string;
    try {
      text = JSON.stringify(applyJsonOps(parts.header, ops)) ?? 'null';
    } catch {
      text = `{"a":{"dtype":"F32","shape":${'['.repeat(100_000)}${']'.repeat(100_000)},"data_offsets":[0,0]}}`; // deeper than JSON.stringify goes
    }
    const json = new TextEncoder().encode(text);
    const len = new Uint8Array(8);
    new DataView(len.buffer).setBigUint64(0, lie ?? BigInt(json.byteLength), true);
    return concat(len, json, parts.data);
  });

const bytesMutated = fc.tuple(seeds, byteOps(4)).map(([s, ops]) => applyByteOps(s, ops));

function checkTensors(input: Uint8Array, r: ReturnType<typeof readSafetensors>): void {
  for (const [name, t] of r.tensors) {
    assert.equal(t.name, name);
    assert.equal(t.data.byteLength, numel(t.shape) * DTYPE_SIZE[t.dtype], `${name}: data size matches dtype × shape`);
    assert.equal(t.data.buffer, input.buffer, `${name}: a view into the file, not a copy`);
  }
}

test('fuzz safetensors: mutated headers (values, keys, nesting, lying lengths) and bytes', (t) => {
  const stats = fuzzSync({
    name: 'safetensors',
    input: fc.oneof(headerMutated, bytesMutated, written),
    read: (b: Uint8Array) => readSafetensors(b),
    check: (r, b) => checkTensors(b, r),
    size: (b) => b.byteLength,
    bound: () => MiB,
    runs: 400,
  });
  t.diagnostic(
    `safetensors: ${stats.runs} inputs, ${stats.accepted} read, ${stats.refused} refused with a typed error`,
  );
  assert.ok(REPLAY || (stats.refused > stats.runs / 4 && stats.accepted > 0), 'the inputs exercise both outcomes');
});

test('a header claiming 2^60 bytes (or data offsets / shapes of 2^60 bytes) is refused at once, allocating nothing', () => {
  const heap0 = process.memoryUsage().heapUsed;
  const claims: Uint8Array[] = [];
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, 2n ** 60n, true);
  claims.push(concat(len, new TextEncoder().encode('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}')));
  const header = (h: unknown) => {
    const json = new TextEncoder().encode(JSON.stringify(h));
    const l = new Uint8Array(8);
    new DataView(l.buffer).setBigUint64(0, BigInt(json.byteLength), true);
    return concat(l, json, new Uint8Array(16));
  };
  claims.push(header({ a: { dtype: 'F64', shape: [2 ** 26, 2 ** 31], data_offsets: [0, 2 ** 60] } }));
  claims.push(header({ a: { dtype: 'F32', shape: [2 ** 53], data_offsets: [0, 16] } }));
  claims.push(header({ a: { dtype: 'U8', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 16] } }));
  for (const b of claims) {
    const t0 = performance.now();
    const out = metered(() => readSafetensors(b));
    assert.ok(out.error instanceof WeightsError, String(out.error));
    assert.ok(performance.now() - t0 < 100, 'refused at once');
    assert.ok(out.bytes < 4096, `allocated ${out.bytes} bytes`);
  }
  assert.ok(process.memoryUsage().heapUsed - heap0 < 8 * MiB, 'no heap growth beyond a few MB');
});

test('fuzz sharded index: shard names stay plain relative names or the index is refused', (t) => {
  const index = {
    metadata: { total_size: 1234 },
    weight_map: {
      'embeddings.word_embeddings.weight': 'model-00001-of-00002.safetensors',
      'encoder.layer.0.attention.self.query.weight': 'model-00001-of-00002.safetensors',
      'pooler.dense.weight': 'model-00002-of-00002.safetensors',
    },
  };
  const stats = fuzzSync({
    name: 'sharded index',
    input: jsonOps(4).map((ops) => applyJsonOps(index, ops)),
    read: (json: unknown) => readSafetensorsIndex(json),
    check: (r) => {
      for (const f of r.files) assert.equal(unsafeNameReason(f), undefined, f);
      assert.deepEqual(new Set(r.files), new Set(r.weightMap.values()));
    },
    size: jsonSize,
    runs: 200,
  });
  t.diagnostic(`sharded index: ${stats.runs} inputs, ${stats.accepted} read, ${stats.refused} refused`);
});
