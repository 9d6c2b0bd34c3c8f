import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import { ConfigError, WeightsError } from '../../src/errors';
import { prng } from '../../test-support/reference-bert';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { parseBertConfig } from '../../src/config/parse';
import { createGraphModelEncoder } from '../../src/encoder/graph-model-encoder';
import type { PaddedBatch } from '../../src/encoder/types';

before(async () => {
  await initNodeBackend('wasm');
});

const V = 50;
const H = 8;
const dims = (...d: number[]) => ({ dim: d.map((size) => ({ size: String(size) })) });
const T = (type: string) => ({ type });

/**
 * A small graph model in tensorflowjs_converter's format (no real BERT exists on this machine): word + token-type
 * embedding gathers, masked by attention_mask, and a pooler_output tanh(Σ_t h_t). It checks the plumbing —
 * model.json + shards → loadGraphModel, input names, signature outputs — not BERT numerics.
 */
function tinyGraphModel(): { modelJson: unknown; shards: ArrayBuffer[]; word: Float32Array; type: Float32Array } {
  const r = prng(7);
  const word = Float32Array.from({ length: V * H }, () => r() * 2 - 1);
  const type = Float32Array.from({ length: 2 * H }, () => r() * 2 - 1);
  const ints = Int32Array.from([0, -1, 1]); // gather axis, expand dim, sum axis
  const placeholder = (name: string) => ({
    name,
    op: 'Placeholder',
    attr: { dtype: T('DT_INT32'), shape: { shape: dims(-1, -1) } },
  });
  const constant = (name: string, dtype: string, shape: number[]) => ({
    name,
    op: 'Const',
    attr: { value: { tensor: { dtype, tensorShape: dims(...shape) } }, dtype: T(dtype) },
  });
  const gather = (name: string, params: string, ids: string) => ({
    name,
    op: 'GatherV2',
    input: [params, ids, 'axis'],
    attr: { Tparams: T('DT_FLOAT'), Tindices: T('DT_INT32'), Taxis: T('DT_INT32'), batch_dims: { i: '0' } },
  });
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'browser-bert test',
    convertedBy: 'hand-written in tensorflowjs_converter format',
    signature: {
      inputs: Object.fromEntries(
        ['input_ids', 'token_type_ids', 'attention_mask'].map((n) => [
          n,
          { name: `${n}:0`, dtype: 'DT_INT32', tensorShape: dims(-1, -1) },
        ]),
      ),
      outputs: {
        last_hidden_state: { name: 'out:0', dtype: 'DT_FLOAT', tensorShape: dims(-1, -1, H) },
        pooler_output: { name: 'pooled:0', dtype: 'DT_FLOAT', tensorShape: dims(-1, H) },
      },
    },
    modelTopology: {
      node: [
        placeholder('input_ids'),
        placeholder('token_type_ids'),
        placeholder('attention_mask'),
        constant('word', 'DT_FLOAT', [V, H]),
        constant('type', 'DT_FLOAT', [2, H]),
        constant('axis', 'DT_INT32', []),
        constant('expand_dim', 'DT_INT32', []),
        constant('sum_axis', 'DT_INT32', []),
        gather('g_word', 'word', 'input_ids'),
        gather('g_type', 'type', 'token_type_ids'),
        { name: 'emb', op: 'AddV2', input: ['g_word', 'g_type'], attr: { T: T('DT_FLOAT') } },
        { name: 'maskf', op: 'Cast', input: ['attention_mask'], attr: { SrcT: T('DT_INT32'), DstT: T('DT_FLOAT') } },
        {
          name: 'mask3',
          op: 'ExpandDims',
          input: ['maskf', 'expand_dim'],
          attr: { T: T('DT_FLOAT'), Tdim: T('DT_INT32') },
        },
        { name: 'out', op: 'Mul', input: ['emb', 'mask3'], attr: { T: T('DT_FLOAT') } },
        {
          name: 'sum',
          op: 'Sum',
          input: ['out', 'sum_axis'],
          attr: { T: T('DT_FLOAT'), Tidx: T('DT_INT32'), keep_dims: { b: false } },
        },
        { name: 'pooled', op: 'Tanh', input: ['sum'], attr: { T: T('DT_FLOAT') } },
      ],
      versions: { producer: 1 },
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
        weights: [
          { name: 'word', shape: [V, H], dtype: 'float32' },
          { name: 'type', shape: [2, H], dtype: 'float32' },
          { name: 'axis', shape: [], dtype: 'int32' },
          { name: 'expand_dim', shape: [], dtype: 'int32' },
          { name: 'sum_axis', shape: [], dtype: 'int32' },
        ],
      },
    ],
  };
  const all = new Uint8Array(word.byteLength + type.byteLength + ints.byteLength);
  all.set(new Uint8Array(word.buffer), 0);
  all.set(new Uint8Array(type.buffer), word.byteLength);
  all.set(new Uint8Array(ints.buffer), word.byteLength + type.byteLength);
  const cut = 1000; // two shards, split mid-tensor as the converter does
  return { modelJson, shards: [all.slice(0, cut).buffer, all.slice(cut).buffer], word, type };
}

const batch: PaddedBatch = {
  batchSize: 2,
  seqLen: 4,
  inputIds: Int32Array.from([1, 5, 9, 2, 1, 7, 2, 0]),
  tokenTypeIds: Int32Array.from([0, 0, 1, 1, 0, 0, 0, 0]),
  attentionMask: Int32Array.from([1, 1, 1, 1, 1, 1, 1, 0]),
};

test('a graph model with input_ids/token_type_ids/attention_mask runs as a frozen encoder', async () => {
  const { modelJson, shards, word, type } = tinyGraphModel();
  const enc = await createGraphModelEncoder({ modelJson, shards });
  try {
    assert.equal(enc.config.hiddenSize, H);
    assert.equal(enc.hasPooler, true);
    assert.equal(enc.variables.size, 0);
    const before = tf.memory().numTensors;
    const out = enc.forward(batch, { pooler: true });
    const last = out.lastHiddenState.dataSync();
    const pooled = out.poolerOutput!.dataSync();
    assert.deepEqual(out.lastHiddenState.shape, [2, 4, H]);
    for (let i = 0; i < 8; i++) {
      const m = batch.attentionMask[i]!;
      for (let h = 0; h < H; h++) {
        const e = m * (word[batch.inputIds[i]! * H + h]! + type[batch.tokenTypeIds[i]! * H + h]!);
        assert.ok(Math.abs(last[i * H + h]! - e) < 1e-6);
      }
    }
    for (let b = 0; b < 2; b++)
      for (let h = 0; h < H; h++) {
        let s = 0;
        for (let t = 0; t < 4; t++) s += last[(b * 4 + t) * H + h]!;
        assert.ok(Math.abs(pooled[b * H + h]! - Math.tanh(s)) < 1e-5);
      }
    tf.dispose([out.lastHiddenState, out.poolerOutput!]);
    assert.equal(tf.memory().numTensors, before);
    assert.throws(() => enc.forward(batch, { training: true }), /frozen and cannot be fine-tuned/);
    assert.throws(() => enc.layerVariables(0), /no trainable layers/);
  } finally {
    enc.dispose();
  }
});

test('output selection: unknown output names are a clear error', async () => {
  const { modelJson, shards } = tinyGraphModel();
  await assert.rejects(
    createGraphModelEncoder({ modelJson, shards }, { outputName: 'hidden_states' }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /no output "hidden_states" \(outputs: last_hidden_state, pooler_output/.test(e.message),
  );
  const config = parseBertConfig({ hidden_size: H, num_attention_heads: 2, vocab_size: V });
  const enc = await createGraphModelEncoder({ modelJson, shards }, { outputName: 'pooled:0', config });
  try {
    assert.throws(() => enc.forward(batch), /output has shape \[2, 8\], expected \[2, 4, 8\]/);
  } finally {
    enc.dispose();
  }
});

const REAL = 'data/format-fixtures/tfjs/tfjs-e2e-graph_model';
test(
  'a real tensorflowjs_converter graph model that is not BERT is rejected, naming its inputs',
  { skip: skipUnlessShared(REAL) },
  async () => {
    const dir = sharedPath(REAL)!;
    const modelJson = JSON.parse(readFileSync(`${dir}/model.json`, 'utf8')) as unknown;
    const bin = readFileSync(`${dir}/weights.bin`);
    const shard = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
    const before = tf.memory().numTensors;
    await assert.rejects(
      createGraphModelEncoder({ modelJson, shards: [shard] }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes("The graph model's inputs are [Placeholder]") &&
        e.message.includes('missing: input_ids, token_type_ids, attention_mask'),
    );
    assert.equal(tf.memory().numTensors, before); // the loaded model was disposed
    await assert.rejects(
      createGraphModelEncoder({
        modelJson: { format: 'layers-model', modelTopology: {}, weightsManifest: [] },
        shards: [],
      }),
      WeightsError,
    );
    await assert.rejects(createGraphModelEncoder({ modelJson: '<html>', shards: [] }), /not a TF.js graph model/);
  },
);
