import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import { parseBertConfig } from '../../src/config';
import { createBertEncoder } from '../../src/encoder/bert-encoder';
import type { PaddedBatch } from '../../src/encoder/types';
import { cloneEncoder, encoderFiles, encoderTensors } from '../../src/model/clone';
import { readSafetensors, writeSafetensors } from '../../src/weights/safetensors';
import { fixtureConfig, makeBertTensors } from '../../test-support/fixtures';

before(async () => {
  await initNodeBackend('wasm');
});

const batch: PaddedBatch = {
  batchSize: 2,
  seqLen: 4,
  inputIds: Int32Array.from([2, 17, 40, 3, 2, 9, 3, 0]),
  tokenTypeIds: new Int32Array(8),
  attentionMask: Int32Array.from([1, 1, 1, 1, 1, 1, 1, 0]),
};

function hidden(e: ReturnType<typeof createBertEncoder>): Float32Array {
  return tf.tidy(() => e.forward(batch).lastHiddenState.dataSync() as Float32Array);
}

test('a copy shares the weights until trained: no new weight memory, and training the copy leaves the source', () => {
  const shape = { hidden: 32, layers: 2, heads: 2, intermediate: 64, vocab: 64, maxPositions: 16 };
  const config = parseBertConfig(fixtureConfig({ shape, seed: 1 }));
  const source = createBertEncoder(config, makeBertTensors({ shape, seed: 1 }));
  const tensors0 = tf.memory().numTensors;
  const buffers0 = (tf.memory() as { numDataBuffers: number }).numDataBuffers;
  const copy = cloneEncoder(source);
  try {
    const buffers = (tf.memory() as { numDataBuffers: number }).numDataBuffers;
    assert.equal(buffers, buffers0, 'the copy allocated weight memory (new data buffers)');
    assert.equal(tf.memory().numTensors, tensors0 + source.variables.size);
    assert.equal(copy.wordEmbeddings, source.wordEmbeddings, 'the word table (never trained) is shared');
    const before = hidden(source);
    assert.deepEqual(hidden(copy), before);
    // train the copy's top layer (as the optimisers do: assign)
    const name = `encoder.layer.${config.numHiddenLayers - 1}.output.dense.weight`;
    const v = copy.variables.get(name)!;
    tf.tidy(() => v.assign(tf.add(v, 0.5)));
    assert.deepEqual(hidden(source), before, 'training the copy changed the source');
    assert.notDeepEqual(hidden(copy), before);
    assert.deepEqual(copy.layerVariables(config.numHiddenLayers - 1).includes(v), true);
    // its files: each tensor written straight into the file, as the tensors would be written one by one
    const files = encoderFiles(copy, { randomInit: true, fineTunedFrom: 'x/y' });
    const tensors = encoderTensors(copy);
    const meta = readSafetensors(files.weights).info.metadata;
    assert.equal(meta?.browser_bert_fine_tuned_from, 'x/y');
    assert.deepEqual(files.weights, writeSafetensors(tensors, meta));
    // the source can go first: the copy keeps what it shares
    const untouched = copy.variables.get('encoder.layer.0.attention.self.query.weight')!;
    const want = source.variables.get('encoder.layer.0.attention.self.query.weight')!.dataSync().slice();
    source.dispose();
    assert.deepEqual(untouched.dataSync(), want);
  } finally {
    source.dispose();
    copy.dispose();
  }
  assert.equal(tf.memory().numTensors, tensors0 - source.variables.size, 'tensors leaked');
});
