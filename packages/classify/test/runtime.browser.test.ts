// The TF.js-free runtime in Chromium: a URL bundle (frozen, encoder from a URL), a fine-tuned bundle from a URL and
// from IndexedDB, in the page and in a module worker — the library's scores (computed here in Node), ≤ 1e-5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { initNodeBackend } from '../../core/src/node';
import { parseDataset } from '../../core/src/data';
import { trainClassifier } from '../../core/src/train/pipeline';
import { fixtureModel } from '../../core/test-support/fixture-model';
import {
  bundleForBrowser,
  folderRoutes,
  launchChromium,
  runPage,
  serveStatic,
  skipUnlessChromium,
} from '../../core/test-support/browser';
import { sharedPath, skipUnlessShared } from '../../core/test-support/shared';

const skip = skipUnlessChromium() || skipUnlessShared('data/sms-spam/SMSSpamCollection.tsv');

test(
  "Chromium: the runtime gives the library's scores in the page and in a worker, from a URL and IndexedDB",
  { skip },
  async (t) => {
    await initNodeBackend('wasm');
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-classify-browser-'));
    const model = await fixtureModel(path.join(tmp, 'model'), { shape: 'bert-tiny', seed: 31 });
    try {
      const sms = parseDataset(await readFile(sharedPath('data/sms-spam/SMSSpamCollection.tsv')!, 'utf8'));
      const small = { texts: sms.texts.slice(0, 400), labels: sms.labels.slice(0, 400) };
      const frozen = (await trainClassifier({ model, dataset: small, options: { seed: 1, epochs: 3 } })).classifier;
      const tuned = (
        await trainClassifier({ model, dataset: small, options: { seed: 1, epochs: 1, fineTuneLayers: 1 } })
      ).classifier;
      await frozen.save(path.join(tmp, 'clf/frozen'));
      await tuned.save(path.join(tmp, 'clf/tuned'));
      const texts = sms.texts.slice(1000, 1200);
      const expected = { frozen: await frozen.predictProba(texts), tuned: await tuned.predictProba(texts) };
      frozen.dispose();
      tuned.dispose();

      const dir = await bundleForBrowser(path.join(import.meta.dirname, 'runtime.page.ts'));
      await build({
        entryPoints: [path.join(import.meta.dirname, 'runtime.worker.ts')],
        outfile: path.join(dir, 'worker.js'),
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        logLevel: 'error',
      });
      await writeFile(path.join(dir, 'texts.json'), JSON.stringify(texts));
      const files = folderRoutes({ '/clf/': path.join(tmp, 'clf'), '/model/': path.join(tmp, 'model') });
      const server = await serveStatic(dir, files);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const r = (await runPage(page, `${server.url}/index.html`)) as Record<string, unknown> & {
          missing: { name: string; code: string; message: string };
          worker: { probs: number[]; threads: number };
        };
        const diff = (a: unknown, b: Float32Array) => {
          const xs = a as number[];
          assert.equal(xs.length, b.length);
          return xs.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
        };
        const report = {
          frozenUrl: diff(r.frozenUrl, expected.frozen),
          tunedUrl: diff(r.tunedUrl, expected.tuned),
          tunedIdb: diff(r.tunedIdb, expected.tuned),
          afterError: diff(r.afterError, expected.tuned),
          worker: diff(r.worker.probs, expected.tuned),
        };
        t.diagnostic(`max |Δ| vs the library in Node over ${texts.length} texts: ${JSON.stringify(report)}`);
        for (const [k, v] of Object.entries(report)) assert.ok(v <= 1e-5, `${k}: ${v}`);
        assert.equal(r.missing.name, 'StorageError');
        assert.match(r.missing.message, /answered 404/);
        assert.ok(r.worker.threads >= 1);
      } finally {
        await browser.close();
        await server.close();
      }
    } finally {
      model.dispose();
      await rm(tmp, { recursive: true, force: true });
    }
  },
);
