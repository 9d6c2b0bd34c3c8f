/**
 * Issue 14, IndexedDB saves in Chromium: with the origin's quota set to 1 MiB (DevTools protocol), saving a bigger
 * classifier over a saved one fails with the StorageError that gives the bytes needed and the site's usage/quota,
 * and the saved one is still there (the save was one transaction).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleForBrowser, launchChromium, runPage, serveStatic, skipUnlessChromium } from '../../test-support/browser';
import { initNodeBackend } from '../../src/node';
import { makeTinyClassifier } from '../../test-support/tiny-classifier';

test(
  'Chromium, quota 1 MiB: a quota error names the bytes needed and the usage; the saved classifier stays',
  { skip: skipUnlessChromium() },
  async () => {
    await initNodeBackend('wasm');
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-idb-quota-'));
    const tiny = await makeTinyClassifier(tmp);
    tiny.model.dispose();
    const dir = await bundleForBrowser(path.join(import.meta.dirname, 'bundle-store-idb.page.ts'));
    await cp(tiny.clfDir, path.join(dir, 'clf'), { recursive: true });
    const server = await serveStatic(dir);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: 1 << 20 });
      const r = (await runPage(page, `${server.url}/index.html`, 120_000)) as {
        error?: { name: string; message: string };
        needed: number;
        stored: string;
        previous: string;
      };
      assert.ok(r.error, 'the save over the quota failed');
      assert.equal(r.error.name, 'StorageError');
      assert.match(
        r.error.message,
        new RegExp(
          `^Not enough browser storage to save "q" \\(${r.needed} bytes needed; this site uses \\d+ of its \\d+ bytes\\) — free space`,
        ),
      );
      assert.equal(r.stored, r.previous, 'the classifier saved before is still there');
    } finally {
      await browser.close();
      await server.close();
      await rm(tmp, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    }
  },
);
