/** The hub path in Chromium: fetch + Cache API, offline from the cache, a cut transfer not cached, same numbers as Node. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { embedTexts } from '../../src/features';
import { initNodeBackend } from '../../src/node';
import { bundleForBrowser, launchChromium, runPage, serveStatic, skipUnlessChromium } from '../../test-support/browser';
import { makeBertCheckpoint } from '../../test-support/fixtures';
import { createHubHandler } from '../../test-support/hub-server';
import { skipUnlessShared } from '../../test-support/shared';
import { loadNode } from '../../src/hub/node-load';

const skip = skipUnlessChromium() || skipUnlessShared('data/bert-base-uncased/vocab.txt');
const TEXTS = ['Hello, World!', 'Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005.', 'Nah'];

test(
  'Chromium: load() from a hub over fetch, Cache API, offline, cut transfer, same embeddings as Node',
  { skip },
  async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-hub-browser-'));
    const shape = { hidden: 32, layers: 2, heads: 2, intermediate: 64, vocab: 8000 };
    await makeBertCheckpoint(path.join(tmp, 'st'), { shape, seed: 5 });
    await makeBertCheckpoint(path.join(tmp, 'bin'), { shape, seed: 5, formats: ['bin'] });
    const stModel = path.join(tmp, 'st-model');
    await cp(path.join(tmp, 'st'), stModel, { recursive: true });
    await writeFile(
      path.join(stModel, 'modules.json'),
      JSON.stringify([{ idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' }]),
    );
    await mkdir(path.join(stModel, '1_Pooling'));
    await writeFile(path.join(stModel, '1_Pooling', 'config.json'), JSON.stringify({ pooling_mode_cls_token: true }));
    const hub = createHubHandler(
      { 'org/st@main': path.join(tmp, 'st'), 'org/bin@main': path.join(tmp, 'bin'), 'org/st-model@main': stModel },
      '/hub',
    );
    hub.faults.set('org/bin@main/pytorch_model.bin', 'cut');
    const dir = await bundleForBrowser(path.join(import.meta.dirname, 'load.page.ts'));
    const server = await serveStatic(dir, (req, res) => hub.handle(req, res));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const r = (await runPage(page, `${server.url}/index.html`)) as {
        info: Record<string, unknown>;
        ids: number[];
        embedding: number[];
        events: [string, number, number, boolean][];
        cachedAfterFirst: { repo: string; revision: string; size: number; files: number }[];
        offlineHash: string;
        offlineFromCache: boolean;
        coldOffline: string;
        cut: { name: string; code: string; message: string } | undefined;
        keysAfterCut: string[];
        freed: number;
        afterRemove: string[];
        directoryInfo: Record<string, unknown>;
        filesInfo: Record<string, unknown>;
      };
      const weights = await readFile(path.join(tmp, 'st', 'model.safetensors'));
      const hash = createHash('sha256').update(weights).digest('hex');
      assert.equal(r.info.weightsHash, hash, 'crypto.subtle hash in the page = sha256 of the file');
      assert.equal(r.info.weightsFormat, 'safetensors');
      assert.equal(r.info.randomInit, true);
      assert.deepEqual(r.ids, [101, 7592, 1010, 2088, 999, 102]);
      assert.ok(
        r.events.some(
          ([f, loaded, total, fromCache]) =>
            f === 'model.safetensors' && loaded === weights.length && total === weights.length && !fromCache,
        ),
      );
      assert.equal(r.cachedAfterFirst.length, 1);
      assert.equal(r.cachedAfterFirst[0]!.repo, 'org/st');
      assert.ok(r.cachedAfterFirst[0]!.size > weights.length);
      assert.equal(r.offlineHash, hash);
      assert.equal(r.offlineFromCache, true);
      assert.match(r.coldOffline, /cannot reach http:\/\/127\.0\.0\.1:\d+\/hub — offline\?/);
      assert.equal(r.cut?.code, 'NETWORK', JSON.stringify(r.cut));
      assert.match(
        r.cut!.message,
        /^download of pytorch_model\.bin stopped after \d+ of \d+ bytes .*nothing was cached/,
      );
      assert.ok(!r.keysAfterCut.some((k) => k.endsWith('/pytorch_model.bin')), 'the cut file is not in the Cache API');
      assert.ok(r.freed > weights.length);
      assert.deepEqual(r.afterRemove, ['org/bin'], 'org/bin keeps the files it did get (config, probes)');
      for (const info of [r.directoryInfo, r.filesInfo]) {
        assert.equal(info.weightsHash, hash);
        assert.equal(info.defaultPooling, 'cls', '1_Pooling/config.json found in the subfolder');
        assert.equal(info.revision, undefined);
      }
      assert.equal(r.directoryInfo.source, 'st-model');
      assert.equal(r.filesInfo.source, 'local files');

      // Same embeddings as Node's wasm backend.
      await initNodeBackend('wasm');
      const m = await loadNode(path.join(tmp, 'st'), { cache: false });
      try {
        const e = await embedTexts(m.encoder, m.tokenizer.encodeBatch(TEXTS), { pooling: 'mean' });
        let maxDiff = 0;
        e.data.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - r.embedding[i]!))));
        assert.equal(r.embedding.length, e.data.length);
        assert.ok(maxDiff <= 1e-5, `max |Δ| Node vs Chromium ${maxDiff}`);
        console.log(`# hub browser: max |Δ| embeddings Node vs Chromium = ${maxDiff}`);
      } finally {
        m.dispose();
      }
    } finally {
      await browser.close();
      await server.close();
      await rm(tmp, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    }
  },
);
