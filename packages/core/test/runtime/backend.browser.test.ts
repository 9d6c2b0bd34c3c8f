import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { bundleForBrowser, launchChromium, runPage, serveStatic, skipUnlessChromium } from '../../test-support/browser';

test(
  'wasm backend starts in Chromium with SIMD and threads under cross-origin isolation',
  { skip: skipUnlessChromium() },
  async () => {
    const dir = await bundleForBrowser(path.join(import.meta.dirname, 'backend.page.ts'));
    const server = await serveStatic(dir);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const result = (await runPage(page, `${server.url}/index.html`)) as Record<string, unknown>;
      assert.equal(result.backend, 'wasm');
      assert.equal(result.isolated, true);
      assert.equal(result.simd, true);
      assert.equal(result.threads, true);
      assert.deepEqual(result.sum, [5, 7, 9]);
    } finally {
      await browser.close();
      await server.close();
    }
  },
);
