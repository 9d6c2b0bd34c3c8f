import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import {
  floatTensor,
  writeSafetensors,
  writeTfjsBundle,
  writeTorchLegacy,
  writeTorchZip,
  type RawTensor,
} from '@browser-bert/core';
import { makeBertTensors } from '../../../core/test-support/fixtures';
import { sharedPath, skipUnlessShared } from '../../../core/test-support/shared';
import { main } from '../../src/main';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: [Buffer[], Buffer[]] = [[], []];
  stdout.on('data', (c: Buffer) => chunks[0].push(c));
  stderr.on('data', (c: Buffer) => chunks[1].push(c));
  const code = await main({ argv, stdin: Readable.from([]), stdout, stderr, env: {} });
  return { code, stdout: Buffer.concat(chunks[0]).toString(), stderr: Buffer.concat(chunks[1]).toString() };
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('the same tensors in safetensors, torch zip, torch legacy (shared storage) print identical lines', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-inspect-'));
  try {
    const tensors: RawTensor[] = [
      ...makeBertTensors({ shape: { hidden: 8, layers: 1, heads: 2, intermediate: 16, vocab: 20 }, seed: 3 }).values(),
      floatTensor('half', [2, 2], [1, -2, 0.5, 65504], 'F16'),
      floatTensor('scalar', [], [1]),
      {
        name: 'position_ids',
        dtype: 'I64',
        shape: [1, 4],
        data: new Uint8Array(new BigInt64Array([0n, 1n, 2n, 3n]).buffer),
      },
    ];
    await writeFile(path.join(dir, 'model.safetensors'), writeSafetensors(tensors));
    await writeFile(path.join(dir, 'pytorch_model.bin'), writeTorchZip(tensors));
    await writeFile(path.join(dir, 'legacy.pt'), writeTorchLegacy(tensors, { shareStorage: true }));
    const a = await run(['inspect', path.join(dir, 'model.safetensors')]);
    const b = await run(['inspect', path.join(dir, 'pytorch_model.bin')]);
    const c = await run(['inspect', path.join(dir, 'legacy.pt')]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(c.code, 0, c.stderr);
    const lines = a.stdout.trim().split('\n');
    assert.equal(lines.length, tensors.length);
    assert.equal(b.stdout, a.stdout);
    assert.equal(c.stdout, a.stdout);
    // Each line: the tensor's name, dtype, shape and sha256 of its bytes (checked with node:crypto here).
    lines.forEach((l, i) => {
      const t = tensors[i]!;
      assert.deepEqual(JSON.parse(l), { name: t.name, dtype: t.dtype, shape: t.shape, sha256: sha(t.data) });
    });
    // A model folder resolves to its best weights file (model.safetensors).
    assert.equal((await run(['inspect', dir])).stdout, a.stdout);
    // A TF.js bundle of float32 tensors prints the same lines for them.
    const floats = tensors.filter((t) => t.dtype === 'F32');
    const bundle = writeTfjsBundle(floats, { shardBytes: 1000 });
    await writeFile(
      path.join(dir, 'model.json'),
      JSON.stringify({ format: 'graph-model', weightsManifest: bundle.manifest }),
    );
    for (const [i, s] of bundle.shards.entries()) await writeFile(path.join(dir, bundle.manifest[0]!.paths[i]!), s);
    const d = await run(['inspect', path.join(dir, 'model.json')]);
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(
      d.stdout.trim().split('\n'),
      lines.filter((l) => JSON.parse(l).dtype === 'F32'),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('sharded checkpoints via model.safetensors.index.json / pytorch_model.bin.index.json', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-inspect-'));
  try {
    const ts = [floatTensor('a', [2], [1, 2]), floatTensor('b', [1], [3]), floatTensor('c', [1], [4])];
    await writeFile(path.join(dir, 's1.safetensors'), writeSafetensors(ts.slice(0, 2)));
    await writeFile(path.join(dir, 's2.safetensors'), writeSafetensors(ts.slice(2)));
    const index = { metadata: {}, weight_map: { a: 's1.safetensors', b: 's1.safetensors', c: 's2.safetensors' } };
    await writeFile(path.join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
    const r = await run(['inspect', path.join(dir, 'model.safetensors.index.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).name),
      ['a', 'b', 'c'],
    );
    // transformers' sharded .bin checkpoints use the same index format.
    await writeFile(path.join(dir, 'b1.bin'), writeTorchZip(ts.slice(0, 2)));
    await writeFile(path.join(dir, 'b2.bin'), writeTorchZip(ts.slice(2)));
    const binIndex = { weight_map: { a: 'b1.bin', b: 'b1.bin', c: 'b2.bin' } };
    await writeFile(path.join(dir, 'pytorch_model.bin.index.json'), JSON.stringify(binIndex));
    const rb = await run(['inspect', path.join(dir, 'pytorch_model.bin.index.json')]);
    assert.equal(rb.code, 0, rb.stderr);
    assert.equal(rb.stdout, r.stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test(
  'real fixtures: torch and safetensors files inspect; values hash as stored',
  { skip: skipUnlessShared('data/format-fixtures/torch') },
  async () => {
    const f = sharedPath('data/format-fixtures/torch/burn/float32.pt')!;
    const r = await run(['inspect', f]);
    assert.equal(r.code, 0, r.stderr);
    const expected = sha(new Uint8Array(new Float32Array([1.0, 2.5, -3.7, 0.0]).buffer));
    assert.deepEqual(JSON.parse(r.stdout), { name: 'tensor', dtype: 'F32', shape: [4], sha256: expected });
    const fortran = await run(['inspect', sharedPath('data/format-fixtures/torch/candle/fortran_tensor_3d.pth')!]);
    const rowMajor = new Uint8Array(new BigInt64Array(Array.from({ length: 24 }, (_, i) => BigInt(i + 1))).buffer);
    assert.equal(JSON.parse(fortran.stdout).sha256, sha(rowMajor), 'hash of the logical (row-major) values');
  },
);

test('errors: one line, non-zero exit, says what to do', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-inspect-'));
  try {
    const html = path.join(dir, 'pytorch_model.bin');
    await writeFile(html, '<!doctype html><html><body>Repository not found</body></html>');
    const r = await run(['inspect', html]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^browser-bert inspect: .*looks like HTML.*download probably failed.*\n$/);
    assert.equal(r.stderr.split('\n').length, 2);
    const missing = await run(['inspect', path.join(dir, 'nope.safetensors')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such file/);
    const usage = await run(['inspect']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /exactly one FILE/);
    const truncated = path.join(dir, 'model.safetensors');
    const good = writeSafetensors([floatTensor('x', [4], [1, 2, 3, 4])]);
    await writeFile(truncated, good.subarray(0, good.length - 2));
    assert.match((await run(['inspect', truncated])).stderr, /Invalid safetensors file.*download it again/);
    assert.ok((await readFile(truncated)).length > 0, 'the user’s file is untouched');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
