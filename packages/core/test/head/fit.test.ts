import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import { createRng } from '../../src/train/random';
import { createHead } from '../../src/head/model';
import { evaluateHead, fitHead, predictHead, type LabelledFeatures } from '../../src/head/fit';
import { fitStandardizer, foldStandardizer } from '../../src/head/standardize';

before(async () => {
  await initNodeBackend('wasm');
});

/** Three Gaussian blobs far apart in 16-d, plus a large constant offset/scale per column (standardisation matters). */
function blobs(n: number, seed: number, flip = false): LabelledFeatures {
  const rng = createRng(seed);
  const dim = 16;
  const data = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels[i] = flip ? (c + 1) % 3 : c;
    for (let j = 0; j < dim; j++) {
      const centre = j % 3 === c ? 4 : 0;
      data[i * dim + j] = (centre + (rng.next() - 0.5)) * (1 + j) + 100 * j;
    }
  }
  return { features: { dim, data }, labels };
}

const opts = (seed: number) => ({
  epochs: 30,
  batchSize: 16,
  learningRate: 0.01,
  classWeights: new Float32Array([1, 1, 1]),
  patience: 5,
  seed,
});

test('the head learns a separable 3-class problem to 100 % on held-out data, standardisation folded', async () => {
  const train = blobs(300, 1);
  const val = blobs(60, 2);
  const test_ = blobs(90, 3);
  const model = createHead(16, 3, { kind: 'hidden', hiddenUnits: 8, seed: 5 });
  const standardizer = fitStandardizer(train.features);
  const fit = await fitHead(model, train, val, { ...opts(5), standardizer });
  assert.ok(fit.history.length >= 1);
  const before = await evaluateHead(model, test_, opts(0).classWeights, { batchSize: 32, standardizer });
  foldStandardizer(model, standardizer);
  const after = await evaluateHead(model, test_, opts(0).classWeights, { batchSize: 32 });
  assert.equal(after.accuracy, 1);
  assert.ok(Math.abs(after.loss - before.loss) < 1e-4, `folding changed the loss: ${before.loss} vs ${after.loss}`);
  const probs = await predictHead(model, test_.features);
  // predictHead applies the layers directly; it must equal the standard tfjs-layers model.predict
  const viaPredict = tf.tidy(() => (model.predict(tf.tensor2d(test_.features.data, [90, 16])) as tf.Tensor).dataSync());
  probs.forEach((p, i) => assert.ok(Math.abs(p - viaPredict[i]!) < 1e-6, `row ${Math.floor(i / 3)}`));
  for (let i = 0; i < 90; i++) {
    const row = Array.from(probs.subarray(i * 3, i * 3 + 3));
    assert.equal(row.indexOf(Math.max(...row)), test_.labels[i]);
    assert.ok(Math.abs(row.reduce((a, b) => a + b) - 1) < 1e-5);
  }
  model.dispose();
});

test('training is deterministic per seed and differs across seeds; no tensors leak', async () => {
  const train = blobs(120, 7);
  const val = blobs(30, 8);
  const run = async (seed: number) => {
    const model = createHead(16, 3, { kind: 'hidden', hiddenUnits: 8, dropout: 0.2, seed });
    const fit = await fitHead(model, train, val, {
      ...opts(seed),
      epochs: 3,
      standardizer: fitStandardizer(train.features),
    });
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.dispose();
    return { losses: fit.history.map((h) => h.trainLoss), weights };
  };
  await run(1); // warm-up (kernels, caches)
  const startTensors = tf.memory().numTensors;
  const a = await run(11);
  const b = await run(11);
  const c = await run(12);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.weights, c.weights);
  assert.equal(tf.memory().numTensors, startTensors);
});

test('early stopping watches the validation loss and restores the best epoch', async () => {
  const train = blobs(150, 21);
  // validation labels rotated: the better the head fits train, the worse its validation loss
  const val = blobs(60, 22, true);
  const model = createHead(16, 3, { seed: 3, dropout: 0 });
  const standardizer = fitStandardizer(train.features);
  const epochs: number[] = [];
  const fit = await fitHead(model, train, val, {
    ...opts(3),
    epochs: 20,
    patience: 2,
    standardizer,
    onEpoch: (s) => epochs.push(s.epoch),
  });
  assert.equal(fit.stoppedEarly, true);
  assert.ok(fit.history.length < 20);
  const trainLosses = fit.history.map((h) => h.trainLoss);
  assert.ok(trainLosses.at(-1)! < trainLosses[0]!, 'training loss kept falling');
  const bestVal = Math.min(...fit.history.map((h) => h.valLoss));
  const best = fit.history.find((h) => h.valLoss === bestVal)!;
  assert.equal(fit.bestEpoch, best.epoch);
  assert.equal(fit.history.length, best.epoch + 2);
  const now = await evaluateHead(model, val, opts(0).classWeights, { batchSize: 32, standardizer });
  assert.ok(Math.abs(now.loss - bestVal) < 1e-5, `restored weights give val loss ${now.loss}, best was ${bestVal}`);
  assert.deepEqual(
    epochs,
    fit.history.map((h) => h.epoch),
  );
  model.dispose();
});
