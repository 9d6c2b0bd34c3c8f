/**
 * The kernel trainer's gradients against the TF.js fine-tuning path's (tf.variableGrads), dropout off, on small
 * shapes with every option (pooling, normalize, linear / hidden head, top layer / all), and on bert-tiny and
 * MiniLM-L6 shapes: relative error ‖g_kernel − g_tfjs‖ / ‖g_tfjs‖ per trained tensor, printed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import { parseBertConfig } from '../../src/config';
import { createBertEncoder } from '../../src/encoder/bert-encoder';
import { createHead } from '../../src/head/model';
import { createKernelTrainer, type KernelTrainPooling } from '../../src/kernel/trainer';
import { nodeKernelSpawner } from '../../src/kernel/node-spawn';
import { mulberry32 } from '../../src/util/random';
import { randomBertWeights } from '../../test-support/reference-bert';
import { padSequences } from '../../test-support/pad';
import { relativeError, tfjsGradients } from '../../test-support/tfjs-gradients';

before(async () => {
  await initNodeBackend('wasm');
});

const NO_DROPOUT = { hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 };

function randomBatch(seed: number, n: number, vocab: number, maxLen: number) {
  const rnd = mulberry32(seed);
  const seqs = Array.from({ length: n }, () => {
    const len = 2 + Math.floor(rnd() * (maxLen - 1));
    return Int32Array.from({ length: len }, (_, i) => (i === 0 ? 1 : 2 + Math.floor(rnd() * (vocab - 2))));
  });
  const types = seqs.map((s) => Int32Array.from(s, (_, i) => (i > s.length / 2 ? 1 : 0)));
  return padSequences(seqs, undefined, types);
}

interface Case {
  shape: Record<string, unknown>;
  layers: number | 'all';
  pooling: KernelTrainPooling;
  normalize: boolean;
  head: 'linear' | 'hidden';
  batch: number;
  maxLen: number;
  tol: number;
}

async function compare(name: string, c: Case, threads = 2): Promise<number> {
  const config = parseBertConfig({ ...c.shape, ...NO_DROPOUT });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 7 }));
  const head = createHead(config.hiddenSize, 3, { kind: c.head, hiddenUnits: 12, dropout: 0, seed: 5 });
  const batch = randomBatch(11, c.batch, config.vocabSize, c.maxLen);
  const labels = Int32Array.from({ length: c.batch }, (_, i) => i % 3);
  const classWeights = Float32Array.of(1, 2.5, 0.5);
  // TF.js first: its forward caches the fused QKV weights of frozen layers (owned by the encoder), then count.
  const t = tfjsGradients(enc, head, batch, labels, { ...c, classWeights });
  const tensorsBefore = tf.memory().numTensors;
  const trainer = await createKernelTrainer({
    encoder: enc,
    head,
    layers: c.layers,
    pooling: c.pooling,
    normalize: c.normalize,
    classWeights,
    headLearningRate: 1e-3,
    encoderLearningRate: 1e-4,
    clipNorm: 1,
    threads,
    spawn: nodeKernelSpawner,
  });
  try {
    const k = await trainer.gradients(batch, labels, 1);
    assert.deepEqual([...k.grads.keys()].sort(), [...t.grads.keys()].sort(), 'the same tensors train');
    let worst = 0;
    let worstName = '';
    // Relative to the tensor's norm, or to a thousandth of the whole gradient's for tensors whose gradient is ~0
    // by symmetry (the key bias: a constant added to every score of a query).
    const total = Math.sqrt([...t.grads.values()].reduce((a, g) => a + g.reduce((s, x) => s + x * x, 0), 0));
    for (const [n, g] of t.grads) {
      const norm = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
      const e = (relativeError(k.grads.get(n)!, g) * norm) / Math.max(norm, 1e-3 * total);
      if (process.env.VERBOSE) console.log(`#   ${n}: ${e.toExponential(2)} (norm ${norm.toExponential(2)})`);
      if (e > worst) [worst, worstName] = [e, n];
    }
    console.log(
      `# ${name}: loss kernel ${k.loss.toFixed(6)} tfjs ${t.loss.toFixed(6)}; max relative gradient error ${worst.toExponential(2)} (${worstName}) over ${t.grads.size} tensors`,
    );
    assert.ok(Math.abs(k.loss - t.loss) < 1e-4 * Math.max(1, t.loss), `loss ${k.loss} vs ${t.loss}`);
    assert.ok(worst < c.tol, `${name}: ${worstName} relative error ${worst}`);
    return worst;
  } finally {
    trainer.dispose();
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensors leaked by the trainer');
    enc.dispose();
    head.dispose();
  }
}

const SMALL = {
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 64,
  vocab_size: 120,
  max_position_embeddings: 40,
  hidden_act: 'gelu',
};

test('kernel gradients = TF.js gradients on small shapes: every pooling, normalize, both heads, top layer and all', async () => {
  const cases: Array<[string, Partial<Case>]> = [
    ['mean, linear, top 1', { pooling: 'mean', layers: 1 }],
    ['cls, hidden head, all', { pooling: 'cls', layers: 'all', head: 'hidden' }],
    ['pooler, normalize, all', { pooling: 'pooler', layers: 'all', normalize: true }],
    ['mean, normalize, hidden head, top 2, gelu_new', { pooling: 'mean', layers: 2, normalize: true, head: 'hidden' }],
  ];
  for (const [name, c] of cases) {
    const shape = name.includes('gelu_new') ? { ...SMALL, hidden_act: 'gelu_new' } : SMALL;
    await compare(`small ${name}`, {
      shape,
      layers: 1,
      pooling: 'mean',
      normalize: false,
      head: 'linear',
      batch: 7,
      maxLen: 12,
      tol: 2e-4,
      ...c,
    });
  }
});

test('kernel gradients = TF.js gradients, partial panels (hidden 36, 3 heads of 12, intermediate 100), relu', async () => {
  await compare('odd shape relu', {
    shape: { ...SMALL, hidden_size: 36, num_attention_heads: 3, intermediate_size: 100, hidden_act: 'relu' },
    layers: 'all',
    pooling: 'mean',
    normalize: false,
    head: 'hidden',
    batch: 5,
    maxLen: 10,
    tol: 2e-4,
  });
});

test('kernel gradients = TF.js gradients on the bert-tiny shape (all layers) and the MiniLM-L6 shape (top 2)', async () => {
  const tiny = {
    hidden_size: 128,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    intermediate_size: 512,
    vocab_size: 1000,
  };
  await compare('bert-tiny all layers', {
    shape: tiny,
    layers: 'all',
    pooling: 'mean',
    normalize: false,
    head: 'linear',
    batch: 16,
    maxLen: 40,
    tol: 2e-4,
  });
  const minilm = {
    hidden_size: 384,
    num_hidden_layers: 6,
    num_attention_heads: 12,
    intermediate_size: 1536,
    vocab_size: 1000,
    hidden_act: 'gelu',
  };
  await compare('MiniLM-L6 top 2 layers', {
    shape: minilm,
    layers: 2,
    pooling: 'mean',
    normalize: true,
    head: 'linear',
    batch: 8,
    maxLen: 40,
    tol: 2e-4,
  });
});

after(() => undefined);
