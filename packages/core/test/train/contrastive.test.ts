import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import type { LoadedModel } from '../../src/model/types';
import { cloneEncoder } from '../../src/model/clone';
import { CancelledError } from '../../src/errors';
import { fixtureModel } from '../../test-support/fixture-model';
import { skipUnlessShared } from '../../test-support/shared';
import { createRng } from '../../src/util/random';
import { contrastiveTune, cosineSimilarityLoss, type ContrastiveOptions } from '../../src/train/contrastive';

const skip = skipUnlessShared('data/bert-base-uncased/vocab.txt');
let dir = '';
let model: LoadedModel | undefined;

before(async () => {
  await initNodeBackend('wasm');
  if (skip) return;
  dir = await mkdtemp(path.join(os.tmpdir(), 'bb-contrastive-'));
  model = await fixtureModel(dir, { shape: 'bert-tiny', seed: 5 });
});
after(async () => {
  model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('CosineSimilarityLoss: value and gradient equal the float64 formula; a step moves cos toward the target', () => {
  const rng = createRng(3);
  const U = Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => rng.next() - 0.5));
  const V = Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => rng.next() - 0.5));
  const T = [1, 0, 1, 0];
  // reference: L = mean (cos − t)²; ∂L/∂u = 2(cos − t)/B · (v/(‖u‖‖v‖) − cos·u/‖u‖²)
  const norm = (x: number[]) => Math.sqrt(x.reduce((a, b) => a + b * b, 0));
  const cosOf = (u: number[], v: number[]) => u.reduce((a, x, j) => a + x * v[j]!, 0) / (norm(u) * norm(v));
  const refLoss = U.reduce((a, u, i) => a + (cosOf(u, V[i]!) - T[i]!) ** 2, 0) / 4;
  const refGrad = U.map((u, i) => {
    const c = cosOf(u, V[i]!);
    return u.map((x, j) => ((2 * (c - T[i]!)) / 4) * (V[i]![j]! / (norm(u) * norm(V[i]!)) - (c * x) / norm(u) ** 2));
  });
  const before = tf.memory().numTensors;
  const u = tf.tensor2d(U);
  const v = tf.tensor2d(V);
  const t = tf.tensor1d(T);
  const uv = tf.variable(u, true, 'u');
  const { value, grads } = tf.variableGrads(() => cosineSimilarityLoss(uv, v, t), [uv]);
  const g = grads.u!.arraySync() as number[][];
  assert.ok(Math.abs(value.dataSync()[0]! - refLoss) < 1e-6);
  g.forEach((row, i) => row.forEach((x, j) => assert.ok(Math.abs(x - refGrad[i]![j]!) < 1e-5, `∂L/∂u[${i}][${j}]`)));
  // a small step against the gradient: positive pairs get more similar, negative ones less
  const moved = U.map((row, i) => row.map((x, j) => x - 0.5 * g[i]![j]!));
  U.forEach((row, i) => {
    const [c0, c1] = [cosOf(row, V[i]!), cosOf(moved[i]!, V[i]!)];
    if (T[i] === 1) assert.ok(c1 > c0, `pair ${i}: cos ${c0} → ${c1} should rise`);
    else if (c0 > 0) assert.ok(c1 < c0, `pair ${i}: cos ${c0} → ${c1} should fall`);
  });
  tf.dispose([u, uv, v, t, value, ...Object.values(grads)]);
  assert.equal(tf.memory().numTensors, before);
});

/** Two classes told apart by their words. */
function corpus(n: number): { texts: string[]; labels: Int32Array } {
  const rng = createRng(9);
  const words = [
    ['free', 'prize', 'win', 'cash', 'claim', 'urgent', 'offer', 'txt'],
    ['see', 'you', 'lunch', 'home', 'later', 'mum', 'dinner', 'ok'],
  ];
  const texts: string[] = [];
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const w = words[i % 2]!;
    texts.push(Array.from({ length: 3 + Math.floor(rng.next() * 8) }, () => w[Math.floor(rng.next() * 8)]).join(' '));
    labels[i] = i % 2;
  }
  return { texts, labels };
}

function options(m: LoadedModel, over: Partial<ContrastiveOptions> = {}): ContrastiveOptions {
  const { texts, labels } = corpus(24);
  return {
    encoder: cloneEncoder(m.encoder),
    encodings: m.tokenizer.encodeBatch(texts),
    rows: Array.from(labels, (_, i) => i),
    labels,
    pooling: 'mean',
    layers: 1,
    pairs: 64,
    epochs: 4,
    batchSize: 16,
    learningRate: 2e-3,
    clipNorm: 1,
    seed: 4,
    ...over,
  };
}

const weightsOf = (o: ContrastiveOptions) =>
  new Map([...o.encoder.variables].map(([k, v]) => [k, v.dataSync().slice() as Float32Array]));

test(
  'contrastive tuning lowers the loss, tunes only the top layer, is reproducible per seed, leaks no tensor',
  { skip },
  async () => {
    const m = model!;
    // warm-up (kernels' first-call constants)
    const warm = options(m, { epochs: 1, pairs: 4 });
    await contrastiveTune(warm);
    warm.encoder.dispose();
    const before = tf.memory().numTensors;
    const a = options(m);
    const initial = weightsOf(a);
    const batches: number[] = [];
    const res = await contrastiveTune({ ...a, onBatch: (d) => batches.push(d) });
    assert.equal(batches.length, 4 * 4, '64 pairs / 16 per batch × 4 epochs');
    const losses = res.history.map((h) => h.trainLoss);
    assert.ok(losses.at(-1)! < 0.7 * losses[0]!, `loss should fall: ${losses.join(', ')}`);
    const top = `encoder.layer.${m.config.numHiddenLayers - 1}.`;
    assert.ok(res.trainedVariables.every((n) => n.startsWith(top)));
    for (const [name, w] of weightsOf(a)) {
      const changed = w.some((x, i) => x !== initial.get(name)![i]);
      assert.equal(changed, name.startsWith(top), `${name} ${changed ? 'changed' : 'unchanged'}`);
    }
    // the same seed from the same weights → the same tuned weights and losses
    const b = options(m);
    const res2 = await contrastiveTune(b);
    assert.deepEqual(
      res2.history.map((h) => h.trainLoss),
      losses,
    );
    const tunedA = weightsOf(a);
    for (const [name, w] of weightsOf(b)) assert.deepEqual(w, tunedA.get(name), name);
    a.encoder.dispose();
    b.encoder.dispose();
    // the encoder copies own every tensor made (incl. their fused-QKV caches): none is left once they are disposed
    assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  },
);

test('contrastive tuning stops on abort between batches and frees its tensors', { skip }, async () => {
  const before = tf.memory().numTensors;
  const o = options(model!, { epochs: 3 });
  const ac = new AbortController();
  let batches = 0;
  await assert.rejects(
    contrastiveTune({ ...o, signal: ac.signal, onBatch: (done) => (batches++, done === 2 && ac.abort()) }),
    CancelledError,
  );
  assert.equal(batches, 2, 'stopped before the third batch');
  o.encoder.dispose();
  assert.equal(tf.memory().numTensors, before);
});
