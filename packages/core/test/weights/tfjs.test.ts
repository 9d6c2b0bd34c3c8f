import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { UnsafePathError, WeightsError } from '../../src/errors';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { floatTensor, toFloat32 } from '../../src/weights/dtype';
import { readTfjsWeights, tfjsShardPaths, writeTfjsBundle, type TfjsWeightsManifest } from '../../src/weights/tfjs';
import type { RawTensor } from '../../src/weights/types';

const DIR = 'data/format-fixtures/tfjs';

function concat(parts: readonly Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.byteLength;
  }
  return out.buffer;
}

/** Reference values: tfjs-core's own weight decoder (independent of ours). */
function tfjsDecode(manifest: TfjsWeightsManifest, shards: readonly Uint8Array[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let i = 0;
  for (const g of manifest) {
    const buf = concat(shards.slice(i, i + g.paths.length));
    i += g.paths.length;
    const named = tf.io.decodeWeights(buf, g.weights as tf.io.WeightsManifestEntry[]);
    for (const [name, t] of Object.entries(named)) {
      out.set(name, [...(t.dataSync() as Float32Array)]);
      t.dispose();
    }
  }
  return out;
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>, what: string) {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

test(
  'every TF.js fixture: names, shapes, dtypes from the manifest; values equal tfjs-core decodeWeights',
  { skip: skipUnlessShared(DIR) },
  async () => {
    await tf.setBackend('cpu');
    const root = sharedPath(DIR)!;
    let checked = 0;
    for (const folder of readdirSync(root)) {
      for (const file of readdirSync(path.join(root, folder)).filter((f) => f.endsWith('.json'))) {
        const modelJson = JSON.parse(readFileSync(path.join(root, folder, file), 'utf8'));
        const paths = tfjsShardPaths(modelJson);
        assert.ok(
          paths.every((p) => !p.startsWith('./')),
          'leading ./ removed',
        );
        const shards = paths.map((p) => new Uint8Array(readFileSync(path.join(root, folder, p))));
        const { tensors, info } = readTfjsWeights(modelJson, shards);
        assert.equal(info.format, 'tfjs');
        const manifest = modelJson.weightsManifest as TfjsWeightsManifest;
        const entries = manifest.flatMap((g) => g.weights);
        assert.deepEqual(
          [...tensors.values()].map((t) => [t.name, t.dtype, t.shape]),
          entries.map((w) => [w.name, { float32: 'F32', int32: 'I32', bool: 'BOOL' }[w.dtype], w.shape]),
          `${folder}/${file}`,
        );
        const ref = tfjsDecode(manifest, shards);
        for (const t of tensors.values()) sameValues(toFloat32(t), ref.get(t.name)!, `${folder}/${file} ${t.name}`);
        checked++;
      }
    }
    assert.equal(checked, 8, 'all eight model.json files');
    // Spot values that do not depend on any decoder: the sentiment model's int32 constants.
    const sentiment = path.join(root, 'peakBreaker-sentiment-graph_model');
    const mj = JSON.parse(readFileSync(path.join(sentiment, 'model.json'), 'utf8'));
    const { tensors } = readTfjsWeights(mj, [readFileSync(path.join(sentiment, 'group1-shard1of1.bin'))]);
    const axis = tensors.get('StatefulPartitionedCall/sequential/embedding/embedding_lookup/axis')!;
    assert.deepEqual([axis.dtype, axis.shape, [...toFloat32(axis)]], ['I32', [], [0]]);
    const flat = tensors.get('StatefulPartitionedCall/sequential/flatten/Const')!;
    assert.deepEqual([...toFloat32(flat)], [-1, 3840], 'Flatten to 120 × 32 = 3840 features');
  },
);

const sample = (): RawTensor[] => [
  floatTensor(
    'emb',
    [5, 3],
    Array.from({ length: 15 }, (_, i) => (i - 7) / 3),
  ),
  floatTensor('bias', [3], [0.1, -0.2, 65000]),
  floatTensor('scalar', [], [2.5]),
  floatTensor('half', [2], [1.5, -0.25], 'F16'),
  { name: 'ids', dtype: 'I64', shape: [3], data: new Uint8Array(new BigInt64Array([0n, 1n, 511n]).buffer) },
  { name: 'mask', dtype: 'BOOL', shape: [2], data: Uint8Array.from([1, 0]) },
];

test('writeTfjsBundle: shards of the requested size (tensors straddle), readable by us and by tfjs-core', async () => {
  await tf.setBackend('cpu');
  for (const dtype of ['float32', 'float16'] as const) {
    const { manifest, shards } = writeTfjsBundle(sample(), { dtype, shardBytes: 16 });
    assert.deepEqual(
      manifest[0]!.paths,
      shards.map((_, i) => `group1-shard${i + 1}of${shards.length}.bin`),
    );
    assert.ok(shards.slice(0, -1).every((s) => s.byteLength === 16));
    const back = readTfjsWeights({ weightsManifest: manifest }, shards).tensors;
    const ref = tfjsDecode(manifest, shards);
    for (const t of sample()) {
      const r = back.get(t.name)!;
      assert.deepEqual(r.shape, t.shape);
      const want = [...toFloat32(t)];
      const got = [...toFloat32(r)];
      if (dtype === 'float32' || t.dtype !== 'F32') sameValues(got, want, `${dtype} ${t.name}`);
      else got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= Math.abs(want[i]!) * 1e-3, `${v} ~ ${want[i]}`));
      sameValues(got, ref.get(t.name)!, `tfjs-core agrees on ${dtype} ${t.name}`);
    }
    assert.equal(back.get('ids')?.dtype, 'I32');
    if (dtype === 'float16') assert.equal(back.get('emb')?.dtype, 'F16', 'float16 kept as stored (lossless)');
  }
  const big = writeTfjsBundle([floatTensor('x', [2 ** 20 + 1], new Float32Array(2 ** 20 + 1))]);
  assert.equal(big.shards.length, 2, 'default 4 MiB shards');
  assert.throws(
    () =>
      writeTfjsBundle([
        { name: 'n', dtype: 'I64', shape: [1], data: new Uint8Array(new BigInt64Array([2n ** 40n]).buffer) },
      ]),
    /outside TF\.js int32/,
  );
});

test('uint8 / uint16 affine quantization is dequantized like tfjs-core', async () => {
  await tf.setBackend('cpu');
  const manifest: TfjsWeightsManifest = [
    {
      paths: ['a.bin'],
      weights: [
        { name: 'q8', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
        { name: 'q16', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.25, min: 2 } },
      ],
    },
  ];
  const shard = Uint8Array.from([0, 1, 2, 255, 4, 0, 0, 1]);
  const { tensors } = readTfjsWeights({ weightsManifest: manifest }, [shard]);
  sameValues(toFloat32(tensors.get('q8')!), [-1, -0.5, 0, 126.5], 'q8');
  sameValues(toFloat32(tensors.get('q16')!), [3, 66], 'q16');
  const ref = tfjsDecode(manifest, [shard]);
  sameValues(toFloat32(tensors.get('q8')!), ref.get('q8')!, 'q8 vs tfjs');
  sameValues(toFloat32(tensors.get('q16')!), ref.get('q16')!, 'q16 vs tfjs');
});

test('bad TF.js bundles get clear errors', () => {
  const { manifest, shards } = writeTfjsBundle(sample(), { shardBytes: 32 });
  const mj = { weightsManifest: manifest };
  const isW = (re: RegExp) => (e: unknown) => e instanceof WeightsError && re.test(e.message);
  assert.throws(() => readTfjsWeights(mj, shards.slice(1)), isW(/names \d+ shard files, got \d+/));
  const short = [...shards.slice(0, -1), shards[shards.length - 1]!.subarray(1)];
  assert.throws(() => readTfjsWeights(mj, short), isW(/needs bytes .* but group 1 has/));
  const long = [...shards.slice(0, -1), Uint8Array.from([...shards[shards.length - 1]!, 0])];
  assert.throws(() => readTfjsWeights(mj, long), isW(/take \d+ bytes but the shards hold/));
  assert.throws(() => readTfjsWeights({}, []), isW(/no weightsManifest/));
  assert.throws(
    () => tfjsShardPaths({ weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }] }),
    (e: unknown) => e instanceof UnsafePathError && /"\.\." segment/.test(e.message),
  );
  assert.throws(
    () => tfjsShardPaths({ weightsManifest: [{ paths: ['/abs.bin'], weights: [] }] }),
    (e: unknown) => e instanceof UnsafePathError && /absolute/.test(e.message),
  );
  const str = { weightsManifest: [{ paths: ['a'], weights: [{ name: 's', shape: [1], dtype: 'string' }] }] };
  assert.throws(() => readTfjsWeights(str, [new Uint8Array(8)]), isW(/dtype "string".*cannot read/));
});
