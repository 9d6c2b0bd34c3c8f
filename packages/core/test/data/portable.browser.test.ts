import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { bundleForBrowser, launchChromium, runPage, serveStatic, skipUnlessChromium } from '../../test-support/browser';
import { portableChecks } from './portable.checks';

test(
  'data + metrics run in Chromium (papaparse, postal-mime, html-to-text, Windows-1252) and match Node exactly',
  { skip: skipUnlessChromium() },
  async () => {
    const node = await portableChecks();
    // Sanity of the Node side itself (the browser must then agree on everything).
    assert.deepEqual((node.csv as { texts: string[] }).texts, [
      'multi\r\nline, "quoted"',
      'plain &amp; simple',
      'third',
      'fourth',
    ]);
    assert.deepEqual(node.latin, ['caf\u00e9 \u00a35', 'win', 'ok', 'free']);
    assert.match(String(node.zip), /not a text dataset/);
    assert.equal(node.email, 'Café\n\nHello wörld');
    const dir = await bundleForBrowser(path.join(import.meta.dirname, 'portable.page.ts'));
    const server = await serveStatic(dir);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const inBrowser = (await runPage(page, `${server.url}/index.html`, 120_000)) as Record<string, unknown>;
      assert.deepEqual(inBrowser, JSON.parse(JSON.stringify(node)));
    } finally {
      await browser.close();
      await server.close();
    }
  },
);
