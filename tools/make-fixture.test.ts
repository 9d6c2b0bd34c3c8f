import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { skipUnlessShared } from '../packages/core/test-support/shared';
import { readWeights } from '@browser-bert/core';

const script = path.join(import.meta.dirname, 'make-fixture.ts');
const run = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    cwd: path.dirname(import.meta.dirname),
  });

test(
  'tools/make-fixture.ts writes the requested checkpoint; bad options are refused',
  { skip: skipUnlessShared('data/bert-base-uncased/vocab.txt') },
  async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-mkfx-'));
    try {
      const r = run([
        '--out',
        dir,
        '--hidden',
        '16',
        '--layers',
        '1',
        '--heads',
        '2',
        '--intermediate',
        '32',
        '--vocab',
        '120',
        '--dtype',
        'float16',
        '--formats',
        'safetensors,bin',
        '--seed',
        '5',
      ]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /RANDOM-INIT/);
      assert.deepEqual(r.stdout.trim().split('\n').sort(), [
        'config.json',
        'model.safetensors',
        'pytorch_model.bin',
        'tokenizer_config.json',
        'vocab.txt',
      ]);
      assert.deepEqual((await readdir(dir)).sort(), r.stdout.trim().split('\n').sort());
      const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
      assert.deepEqual(
        [config.hidden_size, config.num_hidden_layers, config.vocab_size, config.browser_bert_fixture],
        [16, 1, 120, 'random-init'],
      );
      const bin = readWeights(await readFile(path.join(dir, 'pytorch_model.bin')), 'pytorch_model.bin');
      assert.equal(bin.tensors.get('embeddings.word_embeddings.weight')?.dtype, 'F16');
      assert.deepEqual(bin.tensors.get('embeddings.word_embeddings.weight')?.shape, [120, 16]);
      for (const bad of [
        ['--shape', 'huge', '--out', dir],
        ['--formats', 'onnx', '--out', dir],
        ['--dtype', 'int8', '--out', dir],
        [],
      ]) {
        const b = run(bad);
        assert.equal(b.status, 2, bad.join(' '));
        assert.match(b.stderr, /^make-fixture: /);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
