import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readSafetensors } from '../src/weights/safetensors';
import { mergeTensorMaps, readSafetensorsIndex } from '../src/weights/sharded';
import { readTorch } from '../src/weights/torch';
import type { TensorMap } from '../src/weights/types';
import { toFloat32 } from '../src/weights/dtype';
import { FIXTURE_MARKER, makeBertCheckpoint, makeBertTensors } from './fixtures';
import { skipUnlessShared } from './shared';

const VOCAB = 'data/bert-base-uncased/vocab.txt';

test(
  'bert-tiny fixture: exact HF layout, names, [out, in] shapes, marker, seeded',
  { skip: skipUnlessShared(VOCAB) },
  async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-fixture-'));
    try {
      const fx = await makeBertCheckpoint(dir, { shape: 'bert-tiny', seed: 7 });
      assert.deepEqual((await readdir(dir)).sort(), [
        'config.json',
        'model.safetensors',
        'tokenizer_config.json',
        'vocab.txt',
      ]);
      const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
      assert.equal(config.hidden_size, 128);
      assert.equal(config.num_hidden_layers, 2);
      assert.equal(config.num_attention_heads, 2);
      assert.equal(config.intermediate_size, 512);
      assert.equal(config.vocab_size, 30522);
      assert.equal(config.max_position_embeddings, 512);
      assert.equal(config.type_vocab_size, 2);
      assert.equal(config.hidden_act, 'gelu');
      assert.equal(config.layer_norm_eps, 1e-12);
      assert.equal(config.browser_bert_fixture, FIXTURE_MARKER);
      assert.equal((await readFile(path.join(dir, 'vocab.txt'), 'utf8')).split('\n').length - 1, 30522);
      const { tensors, info } = readSafetensors(await readFile(path.join(dir, 'model.safetensors')));
      assert.deepEqual(info.metadata, { format: 'pt', browser_bert_fixture: 'random-init' });
      assert.equal(tensors.size, 5 + 2 * 16 + 2);
      assert.deepEqual(tensors.get('embeddings.word_embeddings.weight')?.shape, [30522, 128]);
      assert.deepEqual(tensors.get('encoder.layer.1.intermediate.dense.weight')?.shape, [512, 128]);
      assert.deepEqual(tensors.get('encoder.layer.1.output.dense.weight')?.shape, [128, 512]);
      assert.deepEqual(tensors.get('pooler.dense.bias')?.shape, [128]);
      const w = toFloat32(tensors.get('encoder.layer.0.attention.self.query.weight')!);
      const mean = w.reduce((a, b) => a + b, 0) / w.length;
      const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
      assert.ok(Math.abs(mean) < 0.002 && Math.abs(std - 0.02) < 0.002, `N(0, 0.02): mean ${mean} std ${std}`);
      const ln = toFloat32(tensors.get('encoder.layer.0.output.LayerNorm.weight')!);
      assert.ok(ln.every((v) => Math.abs(v - 1) < 0.3) && ln.some((v) => v !== 1));
      const bias = toFloat32(tensors.get('encoder.layer.0.attention.self.key.bias')!);
      assert.ok(
        bias.some((v) => Math.abs(v) > 1e-3),
        'biases are non-zero so bias bugs show',
      );
      // Same seed → same bytes; another seed → different.
      const again = makeBertTensors({ shape: 'bert-tiny', seed: 7 });
      assert.deepEqual(again.get('pooler.dense.weight')?.data, fx.tensors.get('pooler.dense.weight')?.data);
      const other = makeBertTensors({ shape: 'bert-tiny', seed: 8 });
      assert.notDeepEqual(other.get('pooler.dense.weight')?.data, fx.tensors.get('pooler.dense.weight')?.data);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

test('fixture options: prefix, MLM head without pooler, float16, custom shape', () => {
  const t = makeBertTensors({
    shape: { hidden: 8, layers: 1, heads: 2, intermediate: 16, vocab: 50 },
    prefix: true,
    head: 'mlm',
    withPooler: false,
    dtype: 'float16',
  });
  assert.ok(t.has('bert.embeddings.word_embeddings.weight'));
  assert.ok(t.has('cls.predictions.transform.dense.weight'));
  assert.ok(!t.has('bert.pooler.dense.weight'));
  assert.ok([...t.values()].every((x) => x.dtype === 'F16'));
  assert.deepEqual(t.get('bert.embeddings.word_embeddings.weight')?.shape, [50, 8]);
});

function sameTensors(a: TensorMap, b: TensorMap, what: string) {
  assert.deepEqual([...a.keys()], [...b.keys()], what);
  for (const [k, t] of a) {
    const u = b.get(k)!;
    assert.deepEqual([u.dtype, u.shape], [t.dtype, t.shape], `${what} ${k}`);
    assert.ok(Buffer.from(u.data).equals(Buffer.from(t.data)), `${what} ${k} bytes`);
  }
}

test('every weight format of one fixture holds the same tensors', { skip: skipUnlessShared(VOCAB) }, async () => {
  const shape = { hidden: 16, layers: 2, heads: 4, intermediate: 32, vocab: 200 };
  const dirs = [await mkdtemp(path.join(os.tmpdir(), 'bb-fx-')), await mkdtemp(path.join(os.tmpdir(), 'bb-fx-'))];
  try {
    const a = await makeBertCheckpoint(dirs[0]!, {
      shape,
      dtype: 'float16',
      formats: ['safetensors', 'bin'],
      prefix: true,
      head: 'classifier',
    });
    await makeBertCheckpoint(dirs[1]!, {
      shape,
      dtype: 'float16',
      formats: ['safetensors-sharded', 'bin-legacy'],
      prefix: true,
      head: 'classifier',
    });
    assert.ok(a.tensors.has('bert.encoder.layer.1.output.LayerNorm.bias') && a.tensors.has('classifier.weight'));
    const st = readSafetensors(await readFile(path.join(dirs[0]!, 'model.safetensors'))).tensors;
    sameTensors(a.tensors, st, 'safetensors');
    sameTensors(a.tensors, readTorch(await readFile(path.join(dirs[0]!, 'pytorch_model.bin'))).tensors, 'bin');
    const legacy = readTorch(await readFile(path.join(dirs[1]!, 'pytorch_model.bin')));
    assert.equal(legacy.info.format, 'torch-legacy');
    sameTensors(a.tensors, legacy.tensors, 'bin-legacy');
    const index = readSafetensorsIndex(
      JSON.parse(await readFile(path.join(dirs[1]!, 'model.safetensors.index.json'), 'utf8')),
    );
    assert.equal(index.files.length, 2);
    const shards = await Promise.all(
      index.files.map(async (f) => readSafetensors(await readFile(path.join(dirs[1]!, f))).tensors),
    );
    sameTensors(a.tensors, mergeTensorMaps(shards, { index, shardNames: index.files }), 'sharded');
    const config = JSON.parse(await readFile(path.join(dirs[1]!, 'config.json'), 'utf8'));
    assert.deepEqual(
      [config.architectures, config.torch_dtype, config.vocab_size],
      [['BertForSequenceClassification'], 'float16', 200],
    );
    assert.equal((await readFile(path.join(dirs[1]!, 'vocab.txt'), 'utf8')).split('\n').length - 1, 200);
    await assert.rejects(makeBertCheckpoint(dirs[1]!, { shape, formats: ['bin', 'bin-legacy'] }), /pick one/);
  } finally {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
});
