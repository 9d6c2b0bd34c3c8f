import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import type { LoadedModel } from '../../src/model/types';
import { loadClassifier } from '../../src/load/classifier';
import { bundleToZip } from '../../src/bundle/zip';
import { CancelledError, TrainingError } from '../../src/errors';
import { fixtureModel } from '../../test-support/fixture-model';
import { skipUnlessShared } from '../../test-support/shared';
import { createRng } from '../../src/util/random';
import { trainClassifier } from '../../src/train/pipeline';
import type { TrainProgress } from '../../src/train/types';

const skip = skipUnlessShared('data/bert-base-uncased/vocab.txt');
let dir = '';
let model: LoadedModel | undefined;

before(async () => {
  await initNodeBackend('wasm');
  if (skip) return;
  dir = await mkdtemp(path.join(os.tmpdir(), 'bb-fewshot-'));
  model = await fixtureModel(dir, { shape: 'bert-tiny', seed: 8 });
});
after(async () => {
  model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** 16 labelled examples per class (two vocabularies) — a few-shot dataset. */
function dataset(): { texts: string[]; labels: string[] } {
  const rng = createRng(12);
  const words = {
    spam: ['free', 'prize', 'win', 'cash', 'claim', 'urgent', 'offer', 'txt'],
    ham: ['see', 'you', 'lunch', 'home', 'later', 'mum', 'dinner', 'ok'],
  };
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < 32; i++) {
    const label = i % 2 ? 'spam' : 'ham';
    const w = words[label];
    texts.push(Array.from({ length: 3 + Math.floor(rng.next() * 8) }, () => w[Math.floor(rng.next() * 8)]).join(' '));
    labels.push(label);
  }
  return { texts, labels };
}

const FEW_SHOT = { pairs: 48, epochs: 2, learningRate: 1e-3 };

test(
  'few-shot trainClassifier: contrastive epochs then the head; tuned encoder bundled; caller model untouched; seeded',
  { skip },
  async () => {
    const m = model!;
    const w0 = m.encoder.variables.get('encoder.layer.1.output.dense.weight')!.dataSync().slice();
    const events: TrainProgress[] = [];
    const run = () =>
      trainClassifier({
        model: m,
        dataset: dataset(),
        options: { seed: 3, epochs: 5, fewShot: FEW_SHOT },
        onProgress: (e) => events.push(e),
      });
    const first = await run();
    const contrastive = events.filter((e) => e.stage === 'contrastive');
    const perEpoch = Math.ceil(48 / 16);
    assert.equal(contrastive.length, 2 * (perEpoch + 1), 'a batch event per batch + one per epoch');
    const epochEnds = contrastive.filter((e) => e.loss !== undefined);
    assert.deepEqual(
      epochEnds.map((e) => e.epoch),
      [1, 2],
    );
    assert.ok(events.findIndex((e) => e.stage === 'contrastive') < events.findIndex((e) => e.stage === 'epoch'));
    const training = first.report.training as { few_shot: { pairs: number; loss: number[] } };
    assert.equal(training.few_shot.pairs, 48);
    assert.equal(training.few_shot.loss.length, 2);
    assert.equal(first.report.encoder.fine_tune_layers, 2, 'few-shot tunes the top 2 layers by default');
    assert.deepEqual(m.encoder.variables.get('encoder.layer.1.output.dense.weight')!.dataSync(), w0);
    const bundle = await first.classifier.toBundle();
    assert.equal(bundle.manifest.encoder.included, true);
    const texts = ['win free cash now', 'see you at home later'];
    const probs = await first.classifier.predictProba(texts);
    const loaded = await loadClassifier(bundleToZip(bundle));
    assert.deepEqual(await loaded.predictProba(texts), probs, 'the bundle carries the tuned encoder');
    loaded.dispose();
    const second = await run();
    assert.deepEqual(second.test.probs, first.test.probs, 'same seed, same result');
    assert.deepEqual((second.report.training as typeof training).few_shot, training.few_shot);
    first.classifier.dispose();
    second.classifier.dispose();
  },
);

test('few-shot: cancellation frees every tensor; bad combinations are TrainingErrors', { skip }, async () => {
  const m = model!;
  let tensors = -1;
  for (let round = 0; round < 2; round++) {
    const ac = new AbortController();
    await assert.rejects(
      trainClassifier({
        model: m,
        dataset: dataset(),
        options: { seed: 3, fewShot: FEW_SHOT },
        signal: ac.signal,
        onProgress: (e) => e.stage === 'contrastive' && e.done === 1 && ac.abort(),
      }),
      CancelledError,
    );
    if (round === 0) tensors = tf.memory().numTensors;
    else assert.equal(tf.memory().numTensors, tensors, 'nothing leaked');
  }
  const bad = (options: object) => trainClassifier({ model: m, dataset: dataset(), options });
  await assert.rejects(bad({ fewShot: true, fineTuneLayers: 1 }), TrainingError);
  await assert.rejects(bad({ fewShot: true, pooling: 'flatten' }), TrainingError);
  await assert.rejects(bad({ fewShot: { layers: 3 } }), TrainingError);
  await assert.rejects(bad({ fewShot: { pairs: 1 } }), TrainingError);
});
