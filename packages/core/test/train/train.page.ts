// Page script for train.browser.test.ts (bundled by esbuild; runs in Chromium on the wasm backend, or on the
// backend named by ?backend=, e.g. webgpu).
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src/runtime/backend';
import { load } from '../../src/hub/load';
import { parseDataset } from '../../src/data';
import { createIdbFeatureCache } from '../../src/features/idb-cache';
import { loadClassifier } from '../../src/classifier/load';
import { deleteSavedClassifier, listSavedClassifiers } from '../../src/storage/idb';
import { bundleToZip } from '../../src/storage/zip';
import { trainClassifier } from '../../src/train/pipeline';
import { PAGE_TEXTS, FROZEN_OPTIONS, FINE_TUNE_OPTIONS, FINE_TUNE_ROWS } from './browser-shared';

const g = globalThis as unknown as { __done?: unknown; __result?: unknown };
try {
  const wanted = new URLSearchParams(location.search).get('backend') ?? 'wasm';
  const backend = await useBackend(wanted as 'wasm' | 'webgpu', { wasmPaths: new URL('./wasm/', location.href).href });
  const names = ['config.json', 'vocab.txt', 'tokenizer_config.json', 'model.safetensors'];
  const files = await Promise.all(
    names.map(async (n) => new File([await (await fetch(`model/${n}`)).arrayBuffer()], n)),
  );
  const model = await load({ files }, { cache: false });
  const data = parseDataset(await (await fetch('data.tsv')).text(), { fileName: 'data.tsv' });
  const cache = createIdbFeatureCache('bb-train-browser-test');
  await cache.clear();

  const frozen = await trainClassifier({ model, dataset: data, options: FROZEN_OPTIONS, featureCache: cache });
  const again = await trainClassifier({
    model,
    dataset: data,
    options: { ...FROZEN_OPTIONS, head: 'hidden' },
    featureCache: cache,
  });
  again.classifier.dispose();

  // IndexedDB bundle: save → list → load → identical scores; zip round trip; delete
  const before = await frozen.classifier.classify(PAGE_TEXTS);
  await frozen.classifier.save('indexeddb://bb-browser-test');
  const listed = (await listSavedClassifiers()).map((s) => s.name);
  const fromIdb = await loadClassifier('indexeddb://bb-browser-test', { model });
  const idbSame = JSON.stringify(await fromIdb.classify(PAGE_TEXTS)) === JSON.stringify(before);
  const fromZip = await loadClassifier(new Blob([bundleToZip(await fromIdb.toBundle()) as Uint8Array<ArrayBuffer>]), {
    model,
  });
  const zipSame = JSON.stringify(await fromZip.classify(PAGE_TEXTS)) === JSON.stringify(before);
  fromIdb.dispose();
  fromZip.dispose();
  const deleted = await deleteSavedClassifier('indexeddb://bb-browser-test');

  const small = { texts: data.texts.slice(0, FINE_TUNE_ROWS), labels: data.labels.slice(0, FINE_TUNE_ROWS) };
  const tuned = await trainClassifier({ model, dataset: small, options: FINE_TUNE_OPTIONS });
  tuned.classifier.dispose();
  frozen.classifier.dispose();

  g.__result = {
    backend,
    frozenTest: frozen.report.test,
    frozenHistory: frozen.history,
    frozenTiming: frozen.report.timing_ms,
    cachedSecondRun: again.featuresCached,
    secondTiming: again.report.timing_ms,
    listed,
    idbSame,
    zipSame,
    deleted,
    before,
    tunedHistory: tuned.history,
    tunedTest: tuned.report.test,
    numTensors: tf.memory().numTensors,
  };
  model.dispose();
  g.__done = true;
} catch (e) {
  g.__done = String((e as Error).stack ?? e);
}
