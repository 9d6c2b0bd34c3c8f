// The runtime on a classifier saved in IndexedDB (fake-indexeddb in Node): the weights stay a Blob that the kernel's
// workers read and pack themselves (worker 0; the others get its packed weights). Same scores as the library
// (max |Δ| ≤ 1e-5) on 1 and 2 workers; a damaged weights Blob is one WeightsError at load, and the good one still loads.
import 'fake-indexeddb/auto';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initNodeBackend } from '../../core/src/node';
import { parseDataset } from '../../core/src/data';
import type { Dataset } from '../../core/src/data/types';
import type { LoadedModel } from '../../core/src/model/types';
import { trainClassifier } from '../../core/src/train/pipeline';
import type { Classifier } from '../../core/src/classifier/types';
import { FILES, type ClassifierBundle } from '../../core/src/bundle/types';
import { idbStore } from '../../core/src/io/bundle-store-idb';
import { fixtureModel } from '../../core/test-support/fixture-model';
import { putRawRecord } from '../../core/test-support/idb-records';
import { maxAbsDiff } from './max-abs-diff';
import { sharedPath, skipUnlessShared } from '../../core/test-support/shared';
import { ConfigError, loadClassifier, WeightsError } from '../src/node';

const skip =
  skipUnlessShared('data/sms-spam/SMSSpamCollection.tsv') || skipUnlessShared('data/bert-base-uncased/vocab.txt');
let dir = '';
let model: LoadedModel;
let sms: Dataset;
let tuned: Classifier;
let bundle: ClassifierBundle;

before(async () => {
  if (skip) return;
  await initNodeBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'bb-classify-idb-'));
  model = await fixtureModel(path.join(dir, 'model'), { shape: 'bert-tiny', seed: 23 });
  sms = parseDataset(await readFile(sharedPath('data/sms-spam/SMSSpamCollection.tsv')!, 'utf8'));
  const small = { texts: sms.texts.slice(0, 200), labels: sms.labels.slice(0, 200) };
  tuned = (await trainClassifier({ model, dataset: small, options: { seed: 7, epochs: 1, fineTuneLayers: 1 } }))
    .classifier;
  bundle = await tuned.toBundle();
  await idbStore.write!('indexeddb://tuned', bundle);
});
after(async () => {
  tuned?.dispose();
  model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Saves `bundle` under `name` with its weights replaced by `weights` (a Blob, as the store keeps them), and `more`. */
async function saveRaw(name: string, weights: Uint8Array, more: Record<string, Uint8Array> = {}): Promise<void> {
  const blob = new Blob([weights as Uint8Array<ArrayBuffer>]);
  const files = { ...bundle.files, ...more, [FILES.encoderWeights]: blob };
  await putRawRecord(name, { manifest: bundle.manifest, files, savedAt: '', size: 0 });
}

for (const threads of [1, 2]) {
  test(
    `from IndexedDB, the workers reading the weights Blob (${threads} worker(s)): the library's scores`,
    { skip },
    async (t) => {
      const runtime = await loadClassifier('indexeddb://tuned', { threads });
      try {
        assert.equal(runtime.threads, threads);
        const texts = sms.texts.slice(0, 600);
        const diff = maxAbsDiff(await runtime.predictProba(texts), await tuned.predictProba(texts));
        t.diagnostic(`${threads} worker(s), ${texts.length} SMS texts: max |Δ| ${diff.toExponential(2)}`);
        assert.ok(diff <= 1e-5, `max |Δ| ${diff}`);
      } finally {
        runtime.dispose();
      }
    },
  );
}

test(
  'a damaged classifier in IndexedDB (weights Blob, config): one typed error at load each; the good one still loads',
  { skip },
  async () => {
    const weights = bundle.files[FILES.encoderWeights]!;
    await saveRaw('truncated', weights.subarray(0, weights.byteLength - 1000));
    await assert.rejects(loadClassifier('indexeddb://truncated'), (e: unknown) => {
      assert.ok(e instanceof WeightsError, String(e));
      assert.match(e.message, /^Invalid safetensors file: .*fall outside the \d+-byte data section/);
      return true;
    });
    const badHeader = weights.slice();
    badHeader.fill(0x20, 8, 40); // the header's JSON starts with spaces only: not an object any more
    badHeader[8 + 31] = 0x5b; // '['
    await saveRaw('bad-header', badHeader);
    await assert.rejects(loadClassifier('indexeddb://bad-header'), WeightsError);
    await saveRaw('empty', new Uint8Array(0));
    await assert.rejects(
      loadClassifier('indexeddb://empty'),
      /^WeightsError: Invalid safetensors file: the file is empty/,
    );
    const html = new TextEncoder().encode('<html>not found</html>');
    await saveRaw('bad-config', weights, { [FILES.encoderConfig]: html });
    await assert.rejects(loadClassifier('indexeddb://bad-config'), (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.match(e.message, /^encoder\/config.json of the saved classifier is not valid JSON/);
      assert.match(e.hint, /an HTML page, not JSON/);
      return true;
    });
    const runtime = await loadClassifier('indexeddb://tuned', { threads: 2 });
    try {
      assert.equal((await runtime.predictProba(['still works'])).length, runtime.labels.length);
    } finally {
      runtime.dispose();
    }
  },
);
