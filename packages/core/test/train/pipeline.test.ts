import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { createServer } from 'node:http';
import { readFile as readFileRaw } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import { parseDataset } from '../../src/data';
import type { Dataset } from '../../src/data/types';
import type { LoadedModel } from '../../src/model/types';
import { createFolderFeatureCache } from '../../src/io/node/feature-cache';
import { loadClassifier } from '../../src/load/classifier';
import { bundleFromZip, bundleToZip } from '../../src/bundle/zip';
import '../../src/io/node/bundle-store';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { fixtureModel } from '../../test-support/fixture-model';
import { trainClassifier } from '../../src/train/pipeline';
import { CancelledError } from '../../src/errors';
import type { TrainProgress } from '../../src/train/types';

const skip = skipUnlessShared('data/sms-spam/bigml-subset.tsv') || skipUnlessShared('data/bert-base-uncased/vocab.txt');
let dir = '';
let model: LoadedModel;
let data: Dataset;
let forwardCalls = 0;

before(async () => {
  if (skip) return;
  await initNodeBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'bb-pipe-'));
  const m = await fixtureModel(path.join(dir, 'model'), { shape: 'bert-tiny', seed: 11 });
  const forward = m.encoder.forward.bind(m.encoder);
  const engine = m.encoder.inference;
  assert.ok(engine, 'fixtureModel attaches the wasm-simd kernel engine, as load() does');
  // Count encoder calls (TF.js forward and kernel engine): a feature-cache hit must never run the encoder.
  model = {
    ...m,
    encoder: {
      ...m.encoder,
      forward: (b, o) => (forwardCalls++, forward(b, o)),
      inference: { ...engine, run: (b, p) => (forwardCalls++, engine.run(b, p)) },
    },
  };
  data = parseDataset(await readFile(sharedPath('data/sms-spam/bigml-subset.tsv')!, 'utf8'), {
    fileName: 'bigml-subset.tsv',
  });
});
after(async () => {
  model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test(
  'frozen training: report fields, progress stages, feature cache hit skips the encoder, determinism',
  { skip },
  async () => {
    const cache = createFolderFeatureCache(path.join(dir, 'features'));
    const events: TrainProgress[] = [];
    forwardCalls = 0;
    const t0 = performance.now();
    const a = await trainClassifier({
      model,
      dataset: data,
      options: { seed: 5, epochs: 8 },
      featureCache: cache,
      onProgress: (e) => events.push(e),
    });
    const coldMs = performance.now() - t0;
    assert.ok(forwardCalls > 0);
    assert.equal(a.featuresCached, false);
    const r = a.report;
    assert.deepEqual(r.labels, ['ham', 'spam']);
    assert.equal(r.positive_label, 'spam');
    assert.equal(r.splits.train + r.splits.validation + r.splits.test + r.duplicates_removed, data.texts.length);
    for (const split of [r.validation, r.test]) {
      assert.ok(split.accuracy >= 0 && split.accuracy <= 1);
      assert.ok(typeof split.roc_auc === 'number' && typeof split.pr_auc === 'number');
      assert.equal(typeof split.threshold, 'number');
      assert.deepEqual(Object.keys(split.per_class), ['ham', 'spam']);
      assert.equal(
        split.confusion.flat().reduce((x, y) => x + y),
        split.n,
      );
    }
    // TrainResult.test holds the test split exactly as scored for the report: arg-max accuracy equals at_0_5.
    assert.equal(a.test.texts.length, r.splits.test);
    assert.equal(a.test.probs.length, r.splits.test * 2);
    let hits = 0;
    for (let i = 0; i < a.test.texts.length; i++) {
      const pred = (a.test.probs[i * 2 + 1] as number) >= 0.5 ? 1 : 0;
      if (pred === a.test.labels[i]) hits++;
    }
    assert.equal(hits / a.test.texts.length, r.test.at_0_5?.accuracy);
    assert.equal(r.encoder.random_init, true);
    assert.equal(r.encoder.fine_tune_layers, 0);
    assert.equal(r.encoder.pooling, 'mean');
    for (const k of ['split', 'tokenize', 'embed', 'train', 'evaluate', 'total'])
      assert.equal(typeof r.timing_ms[k], 'number', k);
    assert.ok(r.baseline.majority_accuracy > 0.5);
    const stages = new Set(events.map((e) => e.stage));
    for (const s of ['split', 'tokenize', 'embed', 'batch', 'epoch', 'evaluate'])
      assert.ok(stages.has(s as TrainProgress['stage']), s);
    const epochs = events.filter((e) => e.stage === 'epoch');
    assert.equal(epochs.length, a.history.length);

    // other head settings, same data: features come from the cache, the encoder never runs
    forwardCalls = 0;
    const t1 = performance.now();
    const b = await trainClassifier({
      model,
      dataset: data,
      options: { seed: 5, epochs: 8, head: 'hidden', hiddenUnits: 16 },
      featureCache: cache,
    });
    const warmMs = performance.now() - t1;
    assert.equal(b.featuresCached, true);
    assert.equal(forwardCalls, 0, 'a feature-cache hit must not run the encoder');
    console.log(
      `# feature cache: cold ${coldMs.toFixed(0)} ms, warm ${warmMs.toFixed(0)} ms (embed ${a.report.timing_ms.embed} → ${b.report.timing_ms.embed} ms)`,
    );

    // same seed, same settings → same numbers
    const c = await trainClassifier({ model, dataset: data, options: { seed: 5, epochs: 8 }, featureCache: cache });
    assert.deepEqual(c.report.test, a.report.test);
    assert.deepEqual(
      c.history.map((h) => h.valLoss),
      a.history.map((h) => h.valLoss),
    );
    const d = await trainClassifier({ model, dataset: data, options: { seed: 6, epochs: 8 }, featureCache: cache });
    assert.equal(d.featuresCached, true, 'another seed re-splits the same texts: still a cache hit');
    for (const x of [a, b, c, d]) x.classifier.dispose();
  },
);

test('train → save (folder, zip) → load → classify gives identical scores; no tensors leak', { skip }, async () => {
  const { classifier } = await trainClassifier({ model, dataset: data, options: { seed: 1, epochs: 3 } });
  const texts = ['WINNER!! Claim your free prize now, call 09061701461', 'ok see you at home later', ''];
  const before = await classifier.classify(texts);
  await classifier.save(path.join(dir, 'clf'));
  const tensors = tf.memory().numTensors;
  const loaded = await loadClassifier(path.join(dir, 'clf'), { model });
  assert.deepEqual(await loaded.classify(texts), before);
  const fromZip = await loadClassifier(bundleToZip(await loaded.toBundle()), { model });
  assert.deepEqual(await fromZip.classify(texts), before);
  // a picked folder (File[] with folder-relative names)
  const b = await loaded.toBundle();
  const picked = [
    new File([JSON.stringify(b.manifest)], 'my-clf/manifest.json'),
    ...Object.entries(b.files).map(([n, bytes]) => new File([bytes as Uint8Array<ArrayBuffer>], `my-clf/${n}`)),
  ];
  const fromFiles = await loadClassifier(picked, { model });
  assert.deepEqual(await fromFiles.classify(texts), before);
  fromFiles.dispose();
  // a bundle folder published on a static host loads by URL
  const server = createServer((req, res) => {
    readFileRaw(path.join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)))
      .then((b) => res.end(b))
      .catch(() => res.writeHead(404).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const fromUrl = await loadClassifier(`http://127.0.0.1:${port}/clf/`, { model });
    assert.deepEqual(await fromUrl.classify(texts), before);
    fromUrl.dispose();
    await assert.rejects(loadClassifier(`http://127.0.0.1:${port}/nothing/`, { model }), /answered 404/);
  } finally {
    server.close();
  }
  for (const p of before) {
    assert.ok(['ham', 'spam'].includes(p.label));
    assert.ok(Math.abs(p.scores.ham! + p.scores.spam! - 1) < 1e-5);
  }
  loaded.dispose();
  fromZip.dispose();
  assert.equal(tf.memory().numTensors, tensors, 'loaded classifiers free their tensors (the shared encoder stays)');
  // the zip's exact size without writing the encoder's weights (the app shows both before a download)
  for (const includeEncoder of [false, true]) {
    const zip = bundleToZip(await classifier.toBundle({ includeEncoder }));
    assert.equal(
      await classifier.zipByteLength({ includeEncoder }),
      zip.byteLength,
      `includeEncoder ${includeEncoder}`,
    );
  }
  const bundle = bundleFromZip(bundleToZip(await classifier.toBundle()));
  assert.equal(bundle.manifest.encoder.included, false);
  assert.equal(bundle.manifest.encoder.weights_hash, model.info.weightsHash);
  const other = { ...model, info: { ...model.info, weightsHash: 'something-else' } };
  await assert.rejects(loadClassifier(bundle, { model: other }), /not the one this classifier was trained on/);
  classifier.dispose();
});

test(
  'fine-tuned classifier: encoder included in the bundle, caller model untouched, identical after reload',
  { skip },
  async () => {
    const small = { texts: data.texts.slice(0, 120), labels: data.labels.slice(0, 120) };
    const emb0 = model.encoder.variables.get('encoder.layer.1.output.dense.weight')!.dataSync().slice();
    const { classifier, report, history } = await trainClassifier({
      model,
      dataset: small,
      options: { seed: 2, epochs: 1, fineTuneLayers: 1, fineTuneLearningRate: 1e-4, batchSize: 16 },
    });
    assert.equal(history.length, 1);
    assert.equal(report.encoder.fine_tune_layers, 1);
    assert.deepEqual(
      model.encoder.variables.get('encoder.layer.1.output.dense.weight')!.dataSync(),
      emb0,
      'the loaded model is not modified',
    );
    const bundle = await classifier.toBundle();
    assert.equal(bundle.manifest.encoder.included, true);
    assert.equal(bundle.manifest.encoder.fine_tuned, true);
    assert.equal(await classifier.zipByteLength(), bundleToZip(bundle).byteLength, 'fine-tuned: metadata included');
    const texts = ['free entry in 2 a wkly comp', 'where are you?'];
    const before = await classifier.classify(texts);
    const loaded = await loadClassifier(bundleToZip(bundle)); // no model given: the encoder comes from the bundle
    assert.deepEqual(await loaded.classify(texts), before);
    loaded.dispose();
    classifier.dispose();
  },
);

test(
  'cancellation: an abort between batches rejects with CancelledError and frees every tensor',
  { skip },
  async () => {
    const cache = createFolderFeatureCache(path.join(dir, 'features'));
    for (const fineTuneLayers of [0, 1]) {
      let tensors = -1;
      // twice: the first run is the warm-up (kernels create cached constants once), the second must not leak
      for (let round = 0; round < 2; round++) {
        const ac = new AbortController();
        let batchesAfterAbort = 0;
        await assert.rejects(
          trainClassifier({
            model,
            dataset: fineTuneLayers ? { texts: data.texts.slice(0, 80), labels: data.labels.slice(0, 80) } : data,
            options: { seed: 5, epochs: 8, fineTuneLayers },
            featureCache: cache,
            signal: ac.signal,
            onProgress: (e) => {
              if (e.stage !== 'batch') return;
              if (ac.signal.aborted) batchesAfterAbort++;
              if (e.done === 2) ac.abort();
            },
          }),
          (e) => e instanceof CancelledError,
        );
        assert.equal(batchesAfterAbort, 0, 'stops before the next batch');
        if (round === 0) tensors = tf.memory().numTensors;
        else assert.equal(tf.memory().numTensors, tensors, `fineTuneLayers ${fineTuneLayers}: nothing leaked`);
      }
    }
  },
);

test(
  "pooling 'flatten' (the tutorial's baseline): 128 × hidden features, trains and classifies",
  { skip },
  async () => {
    const small = { texts: data.texts.slice(0, 150), labels: data.labels.slice(0, 150) };
    const { classifier, report } = await trainClassifier({
      model,
      dataset: small,
      options: { pooling: 'flatten', epochs: 2 },
    });
    assert.equal(report.encoder.pooling, 'flatten');
    assert.equal(classifier.manifest.head.input_dim, 128 * model.config.hiddenSize);
    assert.equal(classifier.manifest.flatten_length, 128);
    const [p] = await classifier.classify(['a text longer than nothing']);
    assert.ok(Math.abs(p!.scores.ham! + p!.scores.spam! - 1) < 1e-5);
    classifier.dispose();
  },
);

test('multi-class data: three classes, arg-max decisions, no threshold', { skip }, async () => {
  const words = [
    ['football', 'goal', 'match', 'team', 'score'],
    ['election', 'vote', 'minister', 'party', 'policy'],
    ['recipe', 'oven', 'flour', 'sugar', 'bake'],
  ];
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < 90; i++) {
    const c = i % 3;
    texts.push(`${words[c]![i % 5]} ${words[c]![(i * 7) % 5]} and ${words[c]![(i * 3) % 5]} number ${i}`);
    labels.push(['sport', 'politics', 'food'][c]!);
  }
  const { classifier, report } = await trainClassifier({
    model,
    dataset: { texts, labels },
    options: { epochs: 30, seed: 3 },
  });
  assert.deepEqual(report.labels, ['food', 'politics', 'sport']);
  assert.equal(report.positive_label, undefined);
  assert.equal(report.test.threshold, undefined);
  assert.equal(classifier.manifest.threshold, null);
  assert.equal(report.test.confusion.length, 3);
  const preds = await classifier.classify(['football match goal', 'vote for the party']);
  for (const p of preds) {
    const best = Object.entries(p.scores).sort((a, b) => b[1] - a[1])[0]![0];
    assert.equal(p.label, best, 'multi-class decisions are the arg-max');
  }
  classifier.dispose();
});
