import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  bundleForBrowser,
  hasWebGpuAdapter,
  launchChromium,
  launchChromiumWithWebGpu,
  runPage,
  serveStatic,
  skipUnlessChromium,
} from '../../test-support/browser';
import { makeBertCheckpoint } from '../../test-support/fixtures';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { initNodeBackend } from '../../src/node';
import { loadNode } from '../../src/hub/node-load';
import { parseDataset } from '../../src/data';
import type { SplitReport } from '../../src/metrics/report-types';
import type { EpochStats } from '../../src/head/types';
import { trainClassifier } from '../../src/train/pipeline';
import { FINE_TUNE_OPTIONS, FINE_TUNE_ROWS, FROZEN_OPTIONS, PAGE_TEXTS } from './browser-shared';

const DATA = 'data/sms-spam/bigml-subset.tsv';
const skip = skipUnlessChromium() || skipUnlessShared(DATA) || skipUnlessShared('data/bert-base-uncased/vocab.txt');

interface PageResult {
  backend: string;
  frozenTest: SplitReport;
  frozenHistory: EpochStats[];
  frozenTiming: Record<string, number>;
  cachedSecondRun: boolean;
  secondTiming: Record<string, number>;
  listed: string[];
  idbSame: boolean;
  zipSame: boolean;
  deleted: boolean;
  before: { label: string; scores: Record<string, number> }[];
  tunedHistory: EpochStats[];
  tunedTest: SplitReport;
  numTensors: number;
}

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: Chromium ${a} vs Node ${b} (tolerance ${tol})`);

interface NodeReference {
  readonly dir: string;
  readonly frozen: { test: SplitReport; history: EpochStats[] };
  readonly before: { scores: Record<string, number> }[];
  readonly tuned: { test: SplitReport; history: EpochStats[] };
}

let reference: Promise<NodeReference> | undefined;

/** The page bundle with its model and data, and the Node run (same files, data, seed and options) to compare with. */
function nodeReference(): Promise<NodeReference> {
  reference ??= (async () => {
    const dir = await bundleForBrowser(path.join(import.meta.dirname, 'train.page.ts'));
    await makeBertCheckpoint(path.join(dir, 'model'), { shape: 'bert-tiny', seed: 17 });
    await cp(sharedPath(DATA)!, path.join(dir, 'data.tsv'));
    await initNodeBackend('wasm');
    const model = await loadNode(path.join(dir, 'model'), { cache: false });
    try {
      const data = parseDataset(await readFile(path.join(dir, 'data.tsv'), 'utf8'), { fileName: 'data.tsv' });
      const frozen = await trainClassifier({ model, dataset: data, options: FROZEN_OPTIONS });
      const before = await frozen.classifier.classify(PAGE_TEXTS);
      frozen.classifier.dispose();
      const small = { texts: data.texts.slice(0, FINE_TUNE_ROWS), labels: data.labels.slice(0, FINE_TUNE_ROWS) };
      const tuned = await trainClassifier({ model, dataset: small, options: FINE_TUNE_OPTIONS });
      tuned.classifier.dispose();
      return {
        dir,
        frozen: { test: frozen.report.test, history: frozen.history },
        before,
        tuned: { test: tuned.report.test, history: tuned.history },
      };
    } finally {
      model.dispose();
    }
  })();
  return reference;
}

/** The page's runs against Node's: same split, metrics within one test example, losses within float noise. */
function checkAgainstNode(r: PageResult, node: NodeReference): void {
  const n = node.frozen.test;
  assert.equal(r.frozenTest.n, n.n);
  close(r.frozenTest.accuracy, n.accuracy, 1 / n.n + 1e-9, 'test accuracy');
  close(r.frozenTest.macro_f1, n.macro_f1, 0.02, 'test macro-F1');
  close(r.frozenTest.roc_auc!, n.roc_auc!, 0.005, 'test ROC-AUC');
  assert.equal(r.frozenHistory.length, node.frozen.history.length);
  r.frozenHistory.forEach((h, i) =>
    close(h.valLoss, node.frozen.history[i]!.valLoss, 1e-3, `epoch ${i + 1} validation loss`),
  );
  r.before.forEach((p, i) => close(p.scores.spam!, node.before[i]!.scores.spam!, 1e-3, `p(spam) of text ${i}`));
  // fine-tuning (gradients through the encoder) follows the same trajectory
  assert.equal(r.tunedHistory.length, 1);
  close(r.tunedHistory[0]!.trainLoss, node.tuned.history[0]!.trainLoss, 5e-3, 'fine-tune training loss');
  close(r.tunedTest.accuracy, node.tuned.test.accuracy, 1 / node.tuned.test.n + 1e-9, 'fine-tuned test accuracy');
  // IndexedDB: feature cache hit on the second run, bundle save/list/load/delete, zip
  assert.equal(r.cachedSecondRun, true);
  assert.ok(r.listed.includes('bb-browser-test'));
  assert.equal(r.idbSame, true);
  assert.equal(r.zipSame, true);
  assert.equal(r.deleted, true);
}

test(
  'trainClassifier in Chromium (wasm) matches Node: frozen and fine-tuned; IndexedDB feature cache and bundles',
  { skip },
  async () => {
    const node = await nodeReference();
    const server = await serveStatic(node.dir);
    const browser = await launchChromium();
    let r: PageResult;
    try {
      r = (await runPage(await browser.newPage(), `${server.url}/index.html`)) as PageResult;
    } finally {
      await browser.close();
      await server.close();
    }
    assert.equal(r.backend, 'wasm');
    checkAgainstNode(r, node);
    console.log(
      `# Chromium: test accuracy ${r.frozenTest.accuracy.toFixed(4)} (Node ${node.frozen.test.accuracy.toFixed(4)}); timing ${JSON.stringify(r.frozenTiming)}; cached re-train ${JSON.stringify(r.secondTiming)}`,
    );
  },
);

test(
  "trainClassifier in Chromium on WebGPU (SwiftShader's software adapter) matches Node: frozen and fine-tuned",
  { skip },
  async (t) => {
    const node = await nodeReference();
    const server = await serveStatic(node.dir);
    const browser = await launchChromiumWithWebGpu();
    let r: PageResult;
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/model/config.json`); // any page of this origin (a secure context: 127.0.0.1)
      if (!(await hasWebGpuAdapter(page)))
        return t.skip('this Chromium offers no WebGPU adapter, not even SwiftShader');
      r = (await runPage(page, `${server.url}/index.html?backend=webgpu`, 900_000)) as PageResult;
    } finally {
      await browser.close();
      await server.close();
    }
    assert.equal(r.backend, 'webgpu');
    checkAgainstNode(r, node);
    console.log(
      `# Chromium WebGPU (SwiftShader): test accuracy ${r.frozenTest.accuracy.toFixed(4)} (Node ${node.frozen.test.accuracy.toFixed(4)}); fine-tune loss ${r.tunedHistory[0]!.trainLoss.toFixed(5)} (Node ${node.tuned.history[0]!.trainLoss.toFixed(5)})`,
    );
  },
);
