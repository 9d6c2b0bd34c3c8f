/**
 * Fuzz: TF.js model.json weight manifests and their shards. Seeds: bundles written by writeTfjsBundle (float32 and
 * float16) and the real model.json files of ../shared/data/format-fixtures/tfjs. The manifest is damaged anywhere
 * (paths, shapes, dtypes, quantization, weight lists), shards are truncated / extended / dropped.
 * Stated bound: the shards are concatenated once and dequantized at most to float32 + a cast: 16 × input + 16 MiB.
 */
import './support/alloc-meter';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { WeightsError } from '../../src/errors';
import { unsafeNameReason } from '../../src/util/safe-name';
import { DTYPE_SIZE, floatTensor, numel } from '../../src/weights/dtype';
import { readTfjsWeights, tfjsShardPaths, writeTfjsBundle } from '../../src/weights/tfjs';
import { sharedPath } from '../../test-support/shared';
import { fuzzSync, stopWatchdog, REPLAY } from './support/harness';
import { applyByteOps, applyJsonOps, byteOps, jsonOps } from './support/mutate';

after(stopWatchdog);

interface Case {
  readonly modelJson: unknown;
  readonly shards: Uint8Array[];
}

const written: fc.Arbitrary<Case> = fc
  .record({
    shapes: fc.array(fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }), { minLength: 1, maxLength: 4 }),
    half: fc.boolean(),
    shardBytes: fc.integer({ min: 4, max: 256 }),
  })
  .map(({ shapes, half, shardBytes }) => {
    const ts = shapes.map((s, i) =>
      floatTensor(
        `w${i}`,
        s,
        Float32Array.from({ length: numel(s) }, (_, k) => k / 7 - 1),
      ),
    );
    const b = writeTfjsBundle(ts, { dtype: half ? 'float16' : 'float32', shardBytes });
    return { modelJson: { format: 'layers-model', weightsManifest: b.manifest }, shards: b.shards };
  });

function realCases(): Case[] {
  const dir = sharedPath('data/format-fixtures/tfjs');
  if (!dir) return [];
  const out: Case[] = [];
  for (const sub of readdirSync(dir)) {
    for (const f of readdirSync(path.join(dir, sub)).filter((n) => n.endsWith('.json'))) {
      const modelJson = JSON.parse(readFileSync(path.join(dir, sub, f), 'utf8')) as unknown;
      try {
        const files = tfjsShardPaths(modelJson).map((p) => path.join(dir, sub, p));
        if (files.every(existsSync) && files.length > 0)
          out.push({ modelJson, shards: files.map((p) => new Uint8Array(readFileSync(p))) });
      } catch {
        /* not a weights manifest */
      }
    }
  }
  return out.filter((c) => c.shards.reduce((a, s) => a + s.byteLength, 0) < 512 * 1024);
}
const REAL = realCases();
const seeds = REAL.length > 0 ? fc.oneof(written, fc.constantFrom(...REAL)) : written;

const mutated: fc.Arbitrary<Case> = fc
  .tuple(
    seeds,
    fc.option(jsonOps(3), { nil: undefined }),
    fc.option(fc.tuple(fc.nat(), byteOps(2)), { nil: undefined }),
    fc.integer({ min: -1, max: 1 }),
  )
  .map(([seed, ops, shardOps, count]) => {
    const modelJson = ops ? applyJsonOps(seed.modelJson, ops) : seed.modelJson;
    let shards = seed.shards;
    if (shardOps && shards.length > 0) {
      const i = shardOps[0] % shards.length;
      shards = shards.map((s, k) => (k === i ? applyByteOps(s, shardOps[1]) : s));
    }
    if (count < 0) shards = shards.slice(1);
    if (count > 0) shards = [...shards, new Uint8Array(8)];
    return { modelJson, shards };
  });

test('fuzz TF.js manifests and shards: valid weights, or a typed error; shard paths always plain relative names', (t) => {
  const stats = fuzzSync({
    name: 'tfjs',
    input: fc.oneof({ weight: 5, arbitrary: mutated }, { weight: 1, arbitrary: seeds }),
    read: (c: Case) => {
      const paths = tfjsShardPaths(c.modelJson);
      for (const p of paths) assert.equal(unsafeNameReason(p), undefined, p);
      return readTfjsWeights(c.modelJson, c.shards);
    },
    check: (r) => {
      for (const [name, w] of r.tensors) assert.equal(w.data.byteLength, numel(w.shape) * DTYPE_SIZE[w.dtype], name);
    },
    size: (c) => c.shards.reduce((a, s) => a + s.byteLength, 0) + 1024,
    bound: (n) => 16 * n + 16 * 1024 * 1024,
    runs: 300,
  });
  t.diagnostic(`tfjs: ${stats.runs} inputs, ${stats.accepted} read, ${stats.refused} refused with a typed error`);
  assert.ok(REPLAY || (stats.refused > 0 && stats.accepted > 0), 'the inputs exercise both outcomes');
});

test('a manifest claiming a 2^60-element weight over an 8-byte shard is refused without allocating it', () => {
  const modelJson = {
    weightsManifest: [
      {
        paths: ['a.bin'],
        weights: [
          {
            name: 'w',
            shape: [2 ** 30, 2 ** 30],
            dtype: 'float32',
            quantization: { dtype: 'uint8', scale: 1, min: 0 },
          },
        ],
      },
    ],
  };
  const t0 = performance.now();
  assert.throws(() => readTfjsWeights(modelJson, [new Uint8Array(8)]), /needs bytes/);
  assert.ok(performance.now() - t0 < 100);
});

test('regression found by this fuzzing: dtype "constructor" or a deeply nested dtype is a typed error, not a crash', () => {
  let deep: unknown = 'float32';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  for (const dtype of ['constructor', 'toString', deep]) {
    const modelJson = { weightsManifest: [{ paths: ['a.bin'], weights: [{ name: 'w', shape: [1], dtype }] }] };
    assert.throws(
      () => readTfjsWeights(modelJson, [new Uint8Array(4)]),
      (e: unknown) => e instanceof WeightsError && e.hint !== '',
    );
    const q = {
      weightsManifest: [
        { paths: ['a.bin'], weights: [{ name: 'w', shape: [1], dtype: 'float32', quantization: { dtype } }] },
      ],
    };
    assert.throws(
      () => readTfjsWeights(q, [new Uint8Array(4)]),
      (e: unknown) => e instanceof WeightsError && e.hint !== '',
    );
  }
});

test('regression found by this fuzzing: a null weightsManifest group is a typed error', () => {
  assert.throws(
    () => tfjsShardPaths({ weightsManifest: [null] }),
    (e: unknown) => e instanceof WeightsError && /group is not an object/.test(e.message),
  );
  assert.throws(() => readTfjsWeights([null, [[0]]], [new Uint8Array(4)]), WeightsError);
});

test('regression found by this fuzzing: a null entry in a weights list is a typed error', () => {
  const mj = { weightsManifest: [{ paths: ['a.bin'], weights: [null, { name: 'w', shape: [], dtype: 'float32' }] }] };
  assert.throws(
    () => readTfjsWeights(mj, [new Uint8Array(4)]),
    (e: unknown) => e instanceof WeightsError && /not an object/.test(e.message),
  );
});
