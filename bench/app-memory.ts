/**
 * `npm run bench:app-memory`: the tab's memory in the real web app. Builds the app, serves it and a loopback hub with
 * the random-init bert-tiny fixture, and drives a fresh headless Chromium through the default flow — open → load the
 * model → load the SMS file → Train (defaults, frozen) → metrics on screen → Train again (feature cache warm) → try
 * a text → save and download the classifier — while sampling the renderer's private
 * footprint (RssAnon + VmSwap, as Chromium counts it; lib/proc.ts) every 50 ms. Prints the peak of each step.
 *
 *   --retained   after each step, force a full GC in the page and every worker, then report what stays (what a
 *                step keeps, as opposed to its transient garbage)
 *   --trace      print the footprint with the training progress text every 150 ms
 *   --minilm     a MiniLM-L6-shaped fixture instead, fine-tuned (top 2 layers, 1 epoch: issue 16's memory target,
 *                ≤ 400 MB), without the second Train
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, serveStatic } from '../packages/core/test-support/browser';
import { makeBertCheckpoint } from '../packages/core/test-support/fixtures';
import { sharedPath } from '../packages/core/test-support/shared';
import { buildApp, startLocalHub } from '../apps/web/test/harness';
import { fmtBytes } from './lib/format';
import { rendererPeak, sampleFootprint, type Footprint } from './lib/proc';

const SMS = sharedPath('data/sms-spam/SMSSpamCollection.tsv');
if (!SMS) {
  console.log('bench:app-memory needs ../shared/data/sms-spam/SMSSpamCollection.tsv (the shared data folder); skipped');
  process.exit(0);
}
const retainedMode = process.argv.includes('--retained');
const traceMode = process.argv.includes('--trace');
const minilmMode = process.argv.includes('--minilm');
const shape = minilmMode ? 'minilm' : 'bert-tiny';

const work = await mkdtemp(path.join(os.tmpdir(), 'bb-app-memory-'));
await makeBertCheckpoint(path.join(work, shape), { shape, seed: 7 });
const hub = await startLocalHub({ [`bench/${shape}@main`]: path.join(work, shape) });
const built = await buildApp();
const app = await serveStatic(built.dir);
const tag = `--bb-bench-run=${randomUUID()}`;
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: [...CHROMIUM_ARGS, tag, ...(retainedMode ? ['--js-flags=--expose-gc'] : [])],
  headless: true,
});
const sampler = sampleFootprint(tag);
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (f: Footprint | undefined) => (f ? fmtBytes(f.footprint) : 'n/a').padStart(8);

interface Step {
  readonly name: string;
  readonly peak: Footprint | undefined;
  readonly retained: Footprint | undefined;
  readonly ms: number;
}
const steps: Step[] = [];
const trainTimes: string[] = [];

async function fullGc(page: Page): Promise<void> {
  const gc = () => (globalThis as unknown as { gc(): void }).gc();
  await page.evaluate(gc);
  for (const w of page.workers()) await w.evaluate(gc).catch(() => undefined); // a worker may have just ended
  await settle(400);
}

async function step(page: Page, name: string, run: () => Promise<void>): Promise<void> {
  const t0 = Date.now();
  await run();
  await settle(500); // let the sampler see what the step left behind
  const ms = Date.now() - t0;
  const peak = sampler.mark();
  let retained: Footprint | undefined;
  if (retainedMode) {
    await fullGc(page);
    retained = sampler.now();
    sampler.mark();
  }
  steps.push({ name, peak, retained, ms });
}

try {
  const page = await browser.newPage();
  const query = new URLSearchParams({ hf_endpoint: hub.endpoint, backend: 'wasm' });
  await step(page, 'open the app (wasm backend ready)', async () => {
    await page.goto(`${app.url}/index.html?${query}`);
    await page.getByTestId('active-backend').filter({ hasText: 'active: wasm' }).waitFor({ timeout: 60_000 });
  });
  await step(page, `load the model (bench/${shape} from the loopback hub)`, async () => {
    await page.getByLabel('Other hub model').check();
    await page.getByLabel('Hub model id').fill(`bench/${shape}`);
    await page.getByRole('button', { name: 'Load model' }).click();
    await page.getByTestId('model-summary').waitFor({ timeout: 120_000 });
  });
  const inference = await page.getByTestId('inference').innerText();
  await step(page, 'load SMSSpamCollection.tsv (5,574 rows)', async () => {
    await page.getByTestId('dataset-file').setInputFiles(SMS);
    await page.getByTestId('dataset-summary').filter({ hasText: 'SMSSpamCollection.tsv' }).waitFor({ timeout: 60_000 });
  });
  const trainStep = minilmMode
    ? 'Train (fine-tune top 2 layers, 1 epoch) → metrics'
    : 'Train (defaults, frozen) → metrics on screen';
  await step(page, trainStep, async () => {
    if (minilmMode) {
      await page.getByLabel('Fine-tune encoder layers').selectOption('2');
      await page.getByLabel('Epochs').fill('1');
    }
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const trace = traceMode
      ? setInterval(() => {
          void page
            .getByTestId('train-progress')
            .innerText({ timeout: 200 })
            .catch(() => '')
            .then((t) => {
              // the step's peak so far too: a spike shorter than the 150 ms between lines shows there
              console.log(
                `${mb(sampler.now())}  (peak ${mb(sampler.peak())})  ${t.replace(/\s+/g, ' ').slice(0, 100)}`,
              );
            });
        }, 150)
      : undefined;
    try {
      await page.getByTestId('report').waitFor({ timeout: 600_000 });
      trainTimes.push(await page.getByTestId('train-time').innerText());
      await page.getByTestId('threshold-metrics').waitFor({ timeout: 60_000 });
    } finally {
      clearInterval(trace);
    }
  });
  if (!minilmMode) {
    await step(page, 'Train again (feature cache warm) → metrics on screen', async () => {
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await page.locator('[data-testid="train-time"][data-run="2"]').waitFor({ timeout: 600_000 });
      trainTimes.push(await page.getByTestId('train-time').innerText());
    });
  }
  await step(page, 'try a text (classify in the worker)', async () => {
    await page.getByLabel('Type or paste a text').fill('Congratulations! You won a free cruise, call now to claim');
    await page.getByTestId('prediction').waitFor({ timeout: 60_000 });
  });
  await step(page, 'save in this browser, then download the bundle (.zip)', async () => {
    await page.getByRole('textbox', { name: /^Name/ }).fill('bench-sms');
    await page.getByRole('button', { name: 'Save in this browser' }).click();
    await page.getByTestId('saved-list').filter({ hasText: 'bench-sms' }).waitFor({ timeout: 60_000 });
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download bundle (.zip)' }).click();
    await (await download).path();
  });
  const overall = sampler.overall();
  const hwm = rendererPeak(tag);
  console.log(
    `\nbrowser-bert web app, tab memory — ${new Date().toISOString()}, random-init ${shape} fixture, ${inference}`,
  );
  console.log(
    `renderer private footprint (RssAnon + VmSwap, sampled every 50 ms): peak per step${retainedMode ? ', and what stays after a full GC' : ''}`,
  );
  for (const s of steps) {
    const kept = retainedMode ? `  kept ${mb(s.retained)}` : '';
    console.log(`  ${s.name.padEnd(56)} peak ${mb(s.peak)}${kept}  (${(s.ms / 1000).toFixed(1)} s)`);
  }
  console.log(`peak footprint of the tab: ${mb(overall).trim()} (target ≤ ${minilmMode ? 400 : 250} MB)`);
  console.log(`the page's own Train → metrics times${minilmMode ? '' : ' (cold, warm)'}: ${trainTimes.join(' | ')}`);
  console.log(
    `for reference: peak RSS (VmHWM) ${hwm ? fmtBytes(hwm) : 'n/a'}, which also counts mapped files (mostly Chromium's own code, shared with every tab; up to ${overall ? fmtBytes(overall.rssFile) : 'n/a'} here)`,
  );
} finally {
  sampler.stop();
  await browser.close();
  await app.close();
  await hub.close();
}
