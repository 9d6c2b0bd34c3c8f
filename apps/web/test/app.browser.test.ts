/**
 * E2E: the built web app in Debian's Chromium, against a generated random-init bert-tiny served by a loopback hub.
 * Measured figures (Train → metrics, longest main-thread task, bundle size) are printed as `[web-e2e] …` lines.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  launchChromium,
  serveStatic,
  skipUnlessChromium,
  type StaticServer,
} from '../../../packages/core/test-support/browser';
import { sharedPath, skipUnlessShared } from '../../../packages/core/test-support/shared';
import { makeBertCheckpoint } from '../../../packages/core/test-support/fixtures';
import {
  buildApp,
  MAIN_THREAD_PROBE,
  readProbe,
  resetProbe,
  screenshotDir,
  startLocalHub,
  syntheticCsv,
  type LocalHub,
} from './harness';
import { requestsOutside, shot as e2eShot, typeAndClassify } from './e2e';

const skip = skipUnlessChromium() || skipUnlessShared('data/bert-base-uncased/vocab.txt');
const SMS = 'data/sms-spam/SMSSpamCollection.tsv';
const REPO = 'test/bert-tiny';
const CORRUPT = 'test/corrupt';
const TRY_TEXT = 'Congratulations! You won a free cruise, call 09061701461 now to claim';

let app: StaticServer;
let hub: LocalHub;
let browser: Browser;
let fixtureDir: string;
let work: string;

const log = (msg: string) => console.log(`[web-e2e] ${msg}`);

before(async () => {
  if (skip) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'bb-web-e2e-'));
  fixtureDir = path.join(work, 'bert-tiny');
  await makeBertCheckpoint(fixtureDir, { shape: 'bert-tiny', seed: 7 });
  // A copy whose weights file is garbage: the app must say so and keep what it had.
  const corruptDir = path.join(work, 'corrupt');
  await makeBertCheckpoint(corruptDir, { shape: 'bert-tiny', seed: 8 });
  const good = await readFile(path.join(corruptDir, 'model.safetensors'));
  const bad = Buffer.from(good.subarray(0, 4096));
  bad.fill(0x7b, 8, 64);
  await writeFile(path.join(corruptDir, 'model.safetensors'), bad);
  hub = await startLocalHub({ [`${REPO}@main`]: fixtureDir, [`${CORRUPT}@main`]: corruptDir });
  const t0 = Date.now();
  const built = await buildApp();
  log(
    `vite build ${Date.now() - t0} ms; bundle ${mb(built.bytes.total)} total = JS ${mb(built.bytes.js)} + wasm ${mb(built.bytes.wasm)} + built-in data ${mb(built.bytes.data)}`,
  );
  app = await serveStatic(built.dir);
  browser = await launchChromium();
  await mkdir(screenshotDir, { recursive: true });
});

after(async () => {
  await browser?.close();
  await app?.close();
  await hub?.close();
});

function mb(n: number): string {
  return `${(n / 1e6).toFixed(2)} MB`;
}

/** Every request of the context is recorded; only the app's origin and the hub's may appear. */
async function newContext(): Promise<{ ctx: BrowserContext; page: Page; requests: string[]; errors: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  ctx.on('request', (r) => requests.push(r.url()));
  await ctx.addInitScript(MAIN_THREAD_PROBE);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  return { ctx, page, requests, errors };
}

async function open(page: Page, endpoint = hub.endpoint): Promise<void> {
  await page.goto(`${app.url}/index.html?hf_endpoint=${encodeURIComponent(endpoint)}&backend=wasm`);
  await page.getByTestId('active-backend').filter({ hasText: 'active: wasm' }).waitFor({ timeout: 60_000 });
}

async function loadHubModel(page: Page, id: string): Promise<void> {
  await page.getByLabel('Other hub model').check();
  await page.getByLabel('Hub model id').fill(id);
  await page.getByRole('button', { name: 'Load model' }).click();
}

async function uploadDataset(
  page: Page,
  file: string | { name: string; mimeType: string; buffer: Buffer },
): Promise<void> {
  await page.getByTestId('dataset-file').setInputFiles(file);
}

async function shot(page: Page, section: string, name = section): Promise<void> {
  await e2eShot(page, `#${section}`, name);
}

test(
  'flow: model → SMS data → train (frozen) → metrics → try → save → reload → same scores → cancel a second training',
  { skip: skip || skipUnlessShared(SMS) },
  async () => {
    const { ctx, page, requests, errors } = await newContext();
    try {
      await open(page);
      await loadHubModel(page, REPO);
      await page.getByTestId('model-summary').waitFor({ timeout: 60_000 });
      assert.match(await page.getByTestId('model-summary').innerText(), /test\/bert-tiny/);
      // The app's worker starts the wasm-simd kernel engine (nested web Workers under COOP/COEP).
      assert.match(await page.getByTestId('inference').innerText(), /wasm-simd kernel · \d+ workers/);
      await page.getByTestId('random-init-badge').waitFor();
      await shot(page, 'model');

      // The built-in e-mails load (and are shown as text), then the SMS file is used for training.
      await page.getByRole('button', { name: 'Use the built-in e-mails' }).click();
      await page.getByTestId('dataset-summary').filter({ hasText: 'SpamAssassin' }).waitFor({ timeout: 60_000 });
      const builtin = await page.getByTestId('dataset-summary').innerText();
      assert.match(builtin, /spam/);
      assert.match(builtin, /ham/);
      await uploadDataset(page, sharedPath(SMS)!);
      await page
        .getByTestId('dataset-summary')
        .filter({ hasText: 'SMSSpamCollection.tsv' })
        .waitFor({ timeout: 60_000 });
      const sms = await page.getByTestId('dataset-summary').innerText();
      assert.match(sms, /5,574 rows/);
      await page.locator('#data details summary').filter({ hasText: 'Preview' }).click();
      await shot(page, 'data');

      // Train with the defaults (frozen encoder): measure Train click → metrics on screen.
      await resetProbe(page);
      const t0 = Date.now();
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await page.getByTestId('train-progress').waitFor({ timeout: 30_000 });
      await page.getByTestId('report').waitFor({ timeout: 300_000 });
      const trainMs = Date.now() - t0;
      const probe = await readProbe(page);
      const longest = Math.max(0, ...probe.longTasks);
      log(
        `Train click → test metrics on screen (SMS, frozen, random-init bert-tiny): ${trainMs} ms (page says: ${await page.getByTestId('train-time').innerText()})`,
      );
      log(
        `main thread during training: longest task ${longest.toFixed(0)} ms (${probe.longTasks.length} tasks > 50 ms), max timer drift ${probe.maxDrift.toFixed(0)} ms`,
      );
      log(`stages: ${await page.getByTestId('stage-times').innerText()}`);
      log(
        `long tasks (start: duration, ms): ${probe.starts.map((s, i) => `${s.toFixed(0)}: ${probe.longTasks[i]?.toFixed(0)}`).join(', ')}`,
      );
      // The bound of issue 4 is on long tasks (work the page itself does). Timer drift is printed, not asserted: on
      // this shared 2-core machine it also measures the OS scheduler (load average often > 8), not the page.
      assert.ok(longest <= 200, `a main-thread task took ${longest} ms during training`);

      const report = page.getByTestId('report');
      assert.match(await report.innerText(), /random-init encoder/);
      const cells = await page.getByTestId('confusion').locator('tbody td').allInnerTexts();
      assert.equal(cells.length, 4, 'binary confusion matrix is 2×2');
      const testCount = cells.map(Number).reduce((a, b) => a + b, 0);
      assert.ok(testCount > 400 && testCount < 700, `test split of ~10 % of the de-duplicated SMS, got ${testCount}`);
      const rows = await page.getByTestId('metrics-table').locator('tbody tr').allInnerTexts();
      assert.equal(rows.length, 2);
      await shot(page, 'train');
      // ROC/PR curves and the threshold table follow the report (binary problems).
      await page.getByTestId('threshold-metrics').waitFor({ timeout: 60_000 });
      await shot(page, 'evaluate');

      // Threshold slider moves precision/recall.
      const slider = page.getByLabel(/Decision threshold/);
      const before = await page.getByTestId('threshold-metrics').innerText();
      await slider.focus();
      for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
      assert.notEqual(await page.getByTestId('threshold-metrics').innerText(), before);

      // Again with the feature cache warm (same model, texts and pooling): the encoder does not run.
      const tw = Date.now();
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await page.locator('[data-testid="train-time"][data-run="2"]').waitFor({ timeout: 120_000 });
      log(
        `warm feature cache: Train click → metrics ${Date.now() - tw} ms; ${await page.getByTestId('stage-times').innerText()}`,
      );
      assert.match(await page.getByTestId('train-progress').innerText(), /feature cache/);

      const scores = await typeAndClassify(page, TRY_TEXT);
      assert.deepEqual(Object.keys(scores).sort(), ['ham', 'spam']);
      log(
        `try: ${(await page.getByTestId('prediction').locator('p').innerText()).trim()} (worker-side classify time of one text)`,
      );
      assert.ok(Math.abs((scores.ham ?? 0) + (scores.spam ?? 0) - 1) < 1e-4, 'probabilities sum to 1');
      await shot(page, 'try');
      // Single-text classify latency as the worker reports it (after the first call warmed up the shapes).
      const latencies: number[] = [];
      for (let i = 0; i < 15; i++) {
        await typeAndClassify(page, `${TRY_TEXT} ${i}`);
        const m = /\(([\d.]+) ms\)/.exec(await page.getByTestId('prediction').locator('p').innerText());
        if (m) latencies.push(Number(m[1]));
      }
      latencies.sort((a, b) => a - b);
      log(`classify one text (worker side, 15 texts): p50 ${latencies[7]} ms, max ${latencies.at(-1)} ms`);

      await page.getByRole('textbox', { name: /^Name/ }).fill('e2e-sms');
      await page.getByRole('button', { name: 'Save in this browser' }).click();
      await page.getByTestId('saved-list').filter({ hasText: 'e2e-sms' }).waitFor({ timeout: 30_000 });
      await shot(page, 'keep');
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Download bundle (.zip)' }).click();
      const zipPath = await (await download).path();
      const zip = await readFile(zipPath);
      assert.equal(zip.subarray(0, 2).toString(), 'PK', 'the bundle is a zip');
      assert.ok(zip.includes(Buffer.from('manifest.json')), 'the zip holds manifest.json');
      log(`downloaded bundle: ${zip.length} bytes`);

      // Reload: the saved classifier is listed and predicts the same scores.
      await page.reload();
      await page.getByTestId('active-backend').filter({ hasText: 'active: wasm' }).waitFor({ timeout: 60_000 });
      await page.getByTestId('saved-list').filter({ hasText: 'e2e-sms' }).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Load e2e-sms' }).click();
      await page.getByTestId('active-classifier').filter({ hasText: 'e2e-sms' }).waitFor({ timeout: 60_000 });
      const again = await typeAndClassify(page, TRY_TEXT);
      for (const k of Object.keys(scores))
        assert.ok(Math.abs((again[k] ?? NaN) - (scores[k] ?? NaN)) < 1e-5, `${k}: ${again[k]} vs ${scores[k]}`);

      // A second training, cancelled mid-way (pooling cls: the feature cache cannot answer it).
      const hubBefore = hub.requests.length;
      await loadHubModel(page, REPO);
      await page.getByTestId('model-summary').waitFor({ timeout: 60_000 });
      log(`model reload from the browser cache made ${hub.requests.length - hubBefore} hub requests`);
      await uploadDataset(page, sharedPath(SMS)!);
      await page
        .getByTestId('dataset-summary')
        .filter({ hasText: 'SMSSpamCollection.tsv' })
        .waitFor({ timeout: 60_000 });
      await page.getByLabel('Pooling').selectOption('cls');
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await page.getByRole('progressbar', { name: 'Embed' }).waitFor({ timeout: 60_000 });
      const tc = Date.now();
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByTestId('train-cancelled').waitFor({ timeout: 30_000 });
      log(`cancel → training stopped in ${Date.now() - tc} ms`);
      // Evaluate shows the loaded classifier's stored report (issue 13 item 8), never one from the cancelled run.
      assert.match(await page.getByTestId('report-from').innerText(), /Stored report of the loaded classifier e2e-sms/);
      assert.equal(await page.getByTestId('train-time').count(), 0, 'no time from the cancelled run');
      const afterCancel = await typeAndClassify(page, TRY_TEXT);
      assert.ok(
        Math.abs((afterCancel.spam ?? NaN) - (scores.spam ?? NaN)) < 1e-5,
        'the saved classifier still answers',
      );
      assert.ok(await page.getByRole('button', { name: 'Train', exact: true }).isEnabled());

      assert.deepEqual(
        requestsOutside(requests, app.url, hub.endpoint),
        [],
        'only the app origin and the model host are contacted',
      );
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }
  },
);

test(
  'a local model folder works with no network and fine-tunes; offline, 404, malformed CSV, corrupt weights and a worker crash keep the state',
  { skip },
  async () => {
    const { ctx, page, requests, errors } = await newContext();
    try {
      // An endpoint nobody listens on: a local folder must not need it.
      await open(page, 'http://127.0.0.1:9');
      await page.getByTestId('model-folder').setInputFiles(fixtureDir);
      await page.getByTestId('model-summary').waitFor({ timeout: 60_000 });
      assert.match(await page.getByTestId('model-summary').innerText(), /2 layers · 128 hidden/);
      assert.deepEqual(
        requests.filter((u) => new URL(u).origin !== new URL(app.url).origin),
        [],
        'a local folder makes no request outside the app',
      );

      // Offline (nothing listens at the endpoint): a hub model fails with a message that says what to do.
      await page.getByRole('button', { name: 'Load model' }).click();
      const offline = page.locator('#model').getByTestId('error');
      await offline.waitFor({ timeout: 60_000 });
      log(`offline error: ${(await offline.innerText()).replace(/\s+/g, ' ')}`);
      assert.match(await page.getByTestId('model-summary').innerText(), /2 layers/, 'the local model is still loaded');

      await uploadDataset(page, { name: 'tiny.csv', mimeType: 'text/csv', buffer: Buffer.from(syntheticCsv()) });
      await page.getByTestId('dataset-summary').filter({ hasText: 'tiny.csv' }).waitFor({ timeout: 30_000 });
      // Dataset text is rendered as text: the markup in the first row is shown literally, no element is created.
      await page.locator('#data details summary').filter({ hasText: 'Preview' }).click();
      const preview = page.getByRole('table', { name: 'Dataset preview' });
      assert.match(await preview.innerText(), /<b>not bold<\/b> <img src=x alt=markup>/);
      assert.equal(await preview.locator('b, img').count(), 0);

      // Fine-tuning the top encoder layer in the browser (the frozen path is covered by the flow test).
      await page.getByLabel('Fine-tune encoder layers').selectOption('1');
      await page.getByLabel('Encoder learning rate').waitFor();
      await page.getByLabel('Epochs').fill('2');
      const tf = Date.now();
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await page.getByTestId('report').waitFor({ timeout: 180_000 });
      assert.match(await page.getByTestId('report').innerText(), /fine-tuned layers 1/);
      log(`fine-tune top 1 layer, 2 epochs, 80 texts: ${Date.now() - tf} ms`);
      const scores = await typeAndClassify(page, 'WIN a free prize now');

      // Malformed CSV: one class only. The error says so; the previous dataset stays.
      await uploadDataset(page, {
        name: 'bad.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('label,text\nspam,"a"\nspam,"b"\nspam,"c\n'),
      });
      const dataError = page.locator('#data').getByTestId('error');
      await dataError.waitFor({ timeout: 30_000 });
      log(`malformed CSV error: ${(await dataError.innerText()).replace(/\s+/g, ' ')}`);
      assert.match(await page.getByTestId('dataset-summary').innerText(), /tiny\.csv/);
      await shot(page, 'data', 'data-error');

      // Corrupt weights from the hub (the hub is reachable again for this one).
      await page.locator('#model details summary').filter({ hasText: 'Model host' }).click();
      await page.getByLabel(/Hub endpoint/).fill(hub.endpoint);
      await page.getByRole('button', { name: 'Use this host' }).click();
      await loadHubModel(page, 'test/no-such-model');
      const notFound = page
        .locator('#model')
        .getByTestId('error')
        .filter({ hasText: /not found/i });
      await notFound.waitFor({ timeout: 60_000 });
      log(`404 error: ${(await notFound.innerText()).replace(/\s+/g, ' ')}`);
      await loadHubModel(page, CORRUPT);
      const modelError = page
        .locator('#model')
        .getByTestId('error')
        .filter({ hasText: /safetensors|weights/i });
      await modelError.waitFor({ timeout: 60_000 });
      log(`corrupt weights error: ${(await modelError.innerText()).replace(/\s+/g, ' ')}`);
      assert.match(await page.getByTestId('model-summary').innerText(), /local files|bert-tiny/i);
      await shot(page, 'model', 'model-error');

      // Everything the user had is still there and works.
      assert.equal(await page.getByTestId('report').count(), 1);
      const still = await typeAndClassify(page, 'WIN a free prize now');
      assert.ok(Math.abs((still.spam ?? NaN) - (scores.spam ?? NaN)) < 1e-6);

      // A text added to the dataset from Try: part of the dataset the restarted worker gets back below.
      await page.getByLabel('Label for the dataset').selectOption({ index: 0 });
      await page.getByRole('button', { name: 'Add this text to the dataset' }).click();
      const addedSummary = page.getByTestId('dataset-summary').filter({ hasText: '1 added from the Try step' });
      await addedSummary.waitFor({ timeout: 30_000 });
      const rowsBefore = /(\d+) rows/.exec(await page.getByTestId('dataset-summary').innerText())?.[1];

      // The worker dies (simulated: an uncaught error inside it, as an out-of-memory abort would be): the page says
      // so, restarts it and restores backend, model, dataset (with the added text) and the unsaved classifier from
      // its own copies.
      const trainingWorker = page.workers().find((w) => /\/assets\/worker-/.test(w.url()));
      assert.ok(trainingWorker, 'the training worker is visible to the test');
      await trainingWorker.evaluate(() => {
        setTimeout(() => {
          throw new Error('simulated: out of memory');
        });
      });
      await page.getByRole('alert').filter({ hasText: 'The training worker stopped' }).waitFor({ timeout: 30_000 });
      await page.getByTestId('active-backend').filter({ hasText: 'active: wasm' }).waitFor({ timeout: 60_000 });
      const restored = await typeAndClassify(page, 'WIN a free prize now');
      assert.ok(Math.abs((restored.spam ?? NaN) - (scores.spam ?? NaN)) < 1e-6, 'the unsaved classifier was restored');
      assert.match(await page.getByTestId('dataset-summary').innerText(), /tiny\.csv/);
      // (the summary now comes from the restarted worker, which reloaded the file and was sent the added text again)
      await addedSummary.waitFor({ timeout: 30_000 });
      assert.equal(/(\d+) rows/.exec(await page.getByTestId('dataset-summary').innerText())?.[1], rowsBefore);
      assert.deepEqual(
        errors.filter((e) => !e.includes('simulated')),
        [],
      );
    } finally {
      await ctx.close();
    }
  },
);

test('usable at mobile width: no horizontal scrolling, every control labelled', { skip }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 800 }, deviceScaleFactor: 1 });
  try {
    const page = await ctx.newPage();
    await page.goto(`${app.url}/index.html?hf_endpoint=${encodeURIComponent(hub.endpoint)}`);
    await page.getByTestId('active-backend').filter({ hasText: 'active:' }).waitFor({ timeout: 60_000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than a 375px screen`);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea, button')]
        .filter((el) => {
          const e = el as HTMLInputElement;
          return !(
            e.labels?.length ||
            e.getAttribute('aria-label') ||
            (e.tagName === 'BUTTON' && e.textContent?.trim())
          );
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unlabelled, []);
    await page.screenshot({ path: path.join(screenshotDir, 'mobile.png') });
    // Manual backend override: the active backend is shown.
    await page.getByLabel('Backend').selectOption('cpu');
    await page.getByTestId('active-backend').filter({ hasText: 'active: cpu' }).waitFor({ timeout: 60_000 });
  } finally {
    await ctx.close();
  }
});
