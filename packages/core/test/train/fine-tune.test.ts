import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import type { LoadedModel } from '../../src/hub/types';
import { createHead } from '../../src/head/model';
import { fixtureModel } from '../../test-support/fixture-model';
import { skipUnlessShared } from '../../test-support/shared';
import { createRng } from '../../src/train/random';
import { fineTune, fineTuneVariables, FROZEN_EMBEDDING } from '../../src/train/fine-tune';

const skip = skipUnlessShared('data/bert-base-uncased/vocab.txt');
let dir = '';
let model: LoadedModel | undefined;

/** Two classes told apart by their words (the random encoder must carry that through to the head). */
function corpus(n: number, seed: number): { texts: string[]; labels: Int32Array } {
  const rng = createRng(seed);
  const a = ['free', 'prize', 'win', 'cash', 'claim', 'urgent', 'offer', 'txt'];
  const b = ['see', 'you', 'lunch', 'home', 'later', 'mum', 'dinner', 'ok'];
  const texts: string[] = [];
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const words = i % 2 === 0 ? a : b;
    const len = 3 + Math.floor(rng.next() * 10);
    texts.push(Array.from({ length: len }, () => words[Math.floor(rng.next() * words.length)]).join(' '));
    labels[i] = i % 2;
  }
  return { texts, labels };
}

before(async () => {
  if (skip) return;
  await initNodeBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'bb-ft-'));
  model = await fixtureModel(dir, { shape: 'bert-tiny', seed: 3 });
});
after(async () => {
  model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function snapshot(m: LoadedModel): Map<string, Float32Array> {
  return new Map([...m.encoder.variables].map(([k, v]) => [k, v.dataSync() as Float32Array]));
}

test('fine-tuning the top layer lowers the training loss and changes only that layer', { skip }, async () => {
  const m = model!;
  const { texts, labels } = corpus(96, 1);
  const encodings = m.tokenizer.encodeBatch(texts);
  const rows = Array.from({ length: 80 }, (_, i) => i);
  const valRows = Array.from({ length: 16 }, (_, i) => 80 + i);
  const beforeVals = snapshot(m);
  const head = createHead(m.config.hiddenSize, 2, { seed: 1 });
  const options = {
    encoder: m.encoder,
    head,
    encodings,
    pooling: 'mean' as const,
    normalize: false,
    layers: 1,
    epochs: 4,
    batchSize: 16,
    headLearningRate: 1e-2,
    encoderLearningRate: 1e-3,
    clipNorm: 1,
    classWeights: new Float32Array([1, 1]),
    patience: 0,
    seed: 7,
  };
  // warm-up on a throw-away head (first calls create kernels' cached constants), on a copy of the weights
  const warmHead = createHead(m.config.hiddenSize, 2, { seed: 1 });
  const saved = [...m.encoder.variables.values()].map((v) => tf.clone(v));
  await fineTune({ ...options, head: warmHead, epochs: 1 }, { rows: [0, 1], labels }, { rows: [2], labels });
  [...m.encoder.variables.values()].forEach((v, i) => v.assign(saved[i]!));
  tf.dispose(saved);
  warmHead.dispose();
  const tensorsBefore = tf.memory().numTensors;
  const res = await fineTune(options, { rows, labels }, { rows: valRows, labels });
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensors leaked by the training loop');
  const losses = res.history.map((h) => h.trainLoss);
  assert.ok(losses.at(-1)! < losses[0]! * 0.8, `training loss should fall: ${losses.join(', ')}`);
  const top = `encoder.layer.${m.config.numHiddenLayers - 1}.`;
  const afterVals = snapshot(m);
  let changedTop = 0;
  for (const [name, before] of beforeVals) {
    const changed = before.some((v, i) => v !== afterVals.get(name)![i]);
    if (name.startsWith(top)) {
      if (changed) changedTop++;
    } else {
      assert.equal(changed, false, `${name} must stay frozen`);
    }
  }
  assert.equal(
    changedTop,
    m.encoder.layerVariables(m.config.numHiddenLayers - 1).length,
    'every top-layer tensor trained',
  );
  assert.deepEqual(
    res.trainedVariables.sort(),
    [...m.encoder.variables.keys()].filter((k) => k.startsWith(top)).sort(),
  );
  head.dispose();
});

test("'all' trains every encoder tensor except the word-embedding table", { skip }, () => {
  const m = model!;
  const names = [...fineTuneVariables(m.encoder, 'all', 'mean').keys()];
  assert.ok(!names.includes(FROZEN_EMBEDDING));
  assert.ok(names.includes('embeddings.LayerNorm.weight'));
  assert.ok(!names.some((n) => n.startsWith('pooler.')), 'pooler only with pooling pooler');
  assert.ok(fineTuneVariables(m.encoder, 'all', 'pooler').has('pooler.dense.weight'));
  assert.equal(fineTuneVariables(m.encoder, 0, 'mean').size, 0);
  assert.throws(() => fineTuneVariables(m.encoder, 3, 'mean'), /0…2/);
});
