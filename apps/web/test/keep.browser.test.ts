/**
 * Issue 13 items 1, 2 and 8 (and the zip half of 9): a classifier trained on a local model folder is saved
 * self-contained by default (sizes shown first), opens after a reload with no folder picked and fills every step
 * (Evaluate's stored report, step 1's encoder, Try's random-init badge); head only from a local folder says which
 * folder to load; the downloaded zip runs in the CLI (`predict --classifier file.zip`) and reopens in the app.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { skipUnlessChromium } from '../../../packages/core/test-support/browser';
import { runCli } from '../../../packages/cli/test-support/run-cli';
import { syntheticCsv } from './harness';
import {
  assertClose,
  loadFolder,
  newContext,
  openApp,
  requestsOutside,
  shot,
  startE2E,
  trainAndWait,
  typeAndClassify,
  uploadText,
  waitBackend,
  type E2E,
} from './e2e';

const skip = skipUnlessChromium();
const TEXT = 'WIN a free prize now';
const OFFLINE = 'http://127.0.0.1:9';
let e: E2E;
/** Set by the first test: the downloaded self-contained zip and the scores the app showed for TEXT. */
let zipPath: string | undefined;
let appScores: Record<string, number> | undefined;

before(async () => {
  if (!skip) e = await startE2E();
});
after(async () => {
  await e?.close();
});

test(
  'items 1 + 8: local folder → train → save (encoder included, sizes shown) → reload → Load with no folder → same scores, stored report, step 1 encoder, Try badge; head-only from a folder names the folder',
  { skip },
  async () => {
    const { ctx, page, requests, errors } = await newContext(e, { acceptDownloads: true });
    try {
      await openApp(page, e, OFFLINE);
      await loadFolder(page, e.fixtureDir);
      await uploadText(page, 'tiny.csv', syntheticCsv());
      await page.getByTestId('dataset-summary').filter({ hasText: 'tiny.csv' }).waitFor({ timeout: 30_000 });
      await trainAndWait(page);
      assert.match(
        await page.getByTestId('report-from').innerText(),
        /Trained on dataset tiny\.csv \(81 rows\) with model local files/,
      );
      const scores = await typeAndClassify(page, TEXT);
      await page.getByTestId('try-random-init').waitFor();

      // Sizes before saving or downloading: self-contained (bert-tiny float32 ≈ 17.6 MB) vs head only (KBs).
      const withEnc = page.getByTestId('size-with-encoder');
      await withEnc.filter({ hasText: /MB/ }).waitFor({ timeout: 60_000 });
      const headOnly = await page.getByTestId('size-head-only').innerText();
      assert.match(await withEnc.innerText(), /^1[5-9](\.\d+)? MB$/);
      assert.match(headOnly, /kB|KB|KiB/i);
      await page.getByRole('textbox', { name: /^Name/ }).fill('from-folder');
      await page.getByRole('button', { name: 'Save in this browser' }).click();
      await page.getByTestId('saved-list').filter({ hasText: 'from-folder' }).waitFor({ timeout: 60_000 });
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download bundle (.zip)' }).click();
      zipPath = path.join(e.work, 'from-folder.zip');
      await copyFile(await (await download).path(), zipPath);
      const zip = await readFile(zipPath);
      assert.ok(zip.includes(Buffer.from('encoder/model.safetensors')), 'the zip includes the encoder');
      appScores = scores;

      // Head only, explicitly: the page says the encoder came from a local folder before saving.
      await page.getByLabel(/^Head only/).check();
      assert.match(await page.getByTestId('head-only-note').innerText(), /came from a local folder/);
      await shot(page, '#keep', 'keep-encoder-choice');
      await page.getByRole('textbox', { name: /^Name/ }).fill('head-only');
      await page.getByRole('button', { name: 'Save in this browser' }).click();
      await page.getByTestId('saved-list').filter({ hasText: 'head-only' }).waitFor({ timeout: 60_000 });

      // Reload: nothing picked, no network. The self-contained one opens and fills every step.
      await page.reload();
      await waitBackend(page);
      assert.equal(await page.getByTestId('model-summary').count(), 0, 'no model after the reload');
      // The head-only one first, with no model at all: one clear message naming what to load (not "local files" as an id).
      await page.getByRole('button', { name: 'Load head-only' }).click();
      const err = page.locator('#keep').getByTestId('error');
      await err.waitFor({ timeout: 60_000 });
      const msg = await err.innerText();
      assert.match(msg, /saved without its encoder, which came from a local model folder/);
      assert.match(msg, /load that same model folder first/);
      assert.doesNotMatch(msg, /neither a hub model id/);
      await shot(page, '#keep', 'keep-head-only-error');
      await page.getByRole('button', { name: 'Load from-folder' }).click();
      await page.getByTestId('active-classifier').filter({ hasText: 'from-folder' }).waitFor({ timeout: 60_000 });
      assertClose(await typeAndClassify(page, TEXT), scores, 1e-5, 'scores after reload');
      await page.getByTestId('try-random-init').waitFor();
      await page.getByTestId('report').waitFor();
      assert.match(
        await page.getByTestId('report-from').innerText(),
        /Stored report of the loaded classifier from-folder/,
      );
      assert.match(await page.getByTestId('report').innerText(), /random-init encoder/);
      assert.match(await page.getByTestId('model-summary').innerText(), /2 layers · 128 hidden/);
      await page.getByTestId('random-init-badge').waitFor();
      assert.doesNotMatch(await page.locator('#train').innerText(), /Load a model first/);
      await shot(page, '#evaluate', 'evaluate-loaded');
      await shot(page, '#try', 'try-loaded');

      // Head only again, now that the encoder it names (same weights hash) is the current model: found, no folder.
      await page.getByRole('button', { name: 'Load head-only' }).click();
      await page.getByTestId('active-classifier').filter({ hasText: 'head-only' }).waitFor({ timeout: 60_000 });
      assertClose(await typeAndClassify(page, TEXT), scores, 1e-5, 'head-only scores');

      assert.deepEqual(requestsOutside(requests, e.app.url), [], 'nothing outside the app was requested');
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }
  },
);

test(
  "items 2 + 9 (reopen): the downloaded zip runs in the CLI (predict --classifier file.zip) with the app's scores, and reopens in a fresh page",
  { skip },
  async (t) => {
    if (!zipPath || !appScores) return t.skip('the first test did not produce a zip');
    const r = await runCli(['predict', '--classifier', zipPath], `${TEXT}\n`, {
      BROWSER_BERT_CACHE: path.join(e.work, 'cli-cache'),
      HF_ENDPOINT: OFFLINE,
      HF_HUB_OFFLINE: '1',
    });
    assert.equal(r.code, 0, r.stderr);
    const cli = JSON.parse(r.stdout.trim()) as { scores: Record<string, number> };
    // Browser wasm vs Node wasm backend: the same float32 model, summation order may differ.
    assertClose(cli.scores, appScores, 1e-4, 'CLI vs app');

    const { ctx, page, errors } = await newContext(e);
    try {
      await openApp(page, e, OFFLINE);
      await page.getByTestId('open-zip').setInputFiles(zipPath);
      await page.getByTestId('active-classifier').filter({ hasText: 'from-folder' }).waitFor({ timeout: 60_000 });
      assertClose(await typeAndClassify(page, TEXT), appScores, 1e-5, 'reopened zip');
      await page.getByTestId('report').waitFor();
      assert.match(await page.getByTestId('model-summary').innerText(), /2 layers/);
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }
  },
);
