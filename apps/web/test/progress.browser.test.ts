/**
 * Issue 13 items 5, 6 and 7: honest progress (an ETA learned from the first batches with its uncertainty, early
 * stopping said in words, cancelled/stale figures cleared, the chart's epoch axis per run, each result naming its
 * dataset and model) and fine-tuning defaults by dataset size with a warning + "Keep the frozen one" when
 * fine-tuning does worse than the frozen encoder on validation.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { skipUnlessChromium } from '../../../packages/core/test-support/browser';
import { fineTuneEpochsFor } from '../../../packages/core/src/train/options';
import {
  assertClose,
  loadFolder,
  newContext,
  openApp,
  shot,
  startE2E,
  trainAndWait,
  typeAndClassify,
  uploadText,
  type E2E,
} from './e2e';

const skip = skipUnlessChromium();
let e: E2E;

before(async () => {
  if (!skip) e = await startE2E();
});
after(async () => {
  await e?.close();
});

const WORDS = {
  sport: ['match', 'goal', 'team', 'score', 'league', 'coach'],
  food: ['pasta', 'bread', 'sauce', 'oven', 'recipe', 'spice'],
  tech: ['laptop', 'kernel', 'server', 'code', 'network', 'chip'],
} as const;

/** 3 classes, separable by vocabulary: `n` rows (TSV). */
function threeClass(n: number): string {
  const rows = ['label\ttext'];
  const labels = Object.keys(WORDS) as (keyof typeof WORDS)[];
  for (let i = 0; i < n; i++) {
    const l = labels[i % 3]!;
    const w = WORDS[l];
    rows.push(`${l}\t${w[i % 6]} ${w[(i * 5 + 1) % 6]} ${w[(i * 7 + 2) % 6]} number ${i}`);
  }
  return rows.join('\n') + '\n';
}

/** Labels unrelated to the text: the validation loss stops improving within a few epochs. */
function noise(n: number): string {
  const rows = ['label\ttext'];
  for (let i = 0; i < n; i++) rows.push(`${(i * 7919) % 5 < 2 ? 'a' : 'b'}\tword${i % 13} thing${i % 7} row ${i}`);
  return rows.join('\n') + '\n';
}

async function dataset(page: Page, name: string, text: string): Promise<void> {
  await uploadText(page, name, text);
  await page.getByTestId('dataset-summary').filter({ hasText: name }).waitFor({ timeout: 60_000 });
}

test(
  'items 5 + 6: ETA "about … (±…) left" learned from the batches; early stopping said; finished/cancelled runs show no stale ETA or time; chart axis per run; results name dataset and model',
  { skip },
  async () => {
    const { ctx, page, errors } = await newContext(e);
    try {
      await openApp(page, e);
      await loadFolder(page, e.fixtureDir);
      // Enough texts for the embed stage to report many times.
      await dataset(page, 'big.tsv', threeClass(3000));
      // Every text the progress bars show is recorded (a quiet machine embeds 3,000 short texts in a few seconds).
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { __bars: string[] }).__bars = seen;
        new MutationObserver(() => {
          for (const el of document.querySelectorAll('.progress .meta')) {
            const t = (el as HTMLElement).innerText.replace(/\s+/g, ' ');
            if (seen.at(-1) !== t) seen.push(t);
          }
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await page.getByTestId('report').waitFor({ timeout: 240_000 });
      const bars = await page.evaluate(() => (window as unknown as { __bars: string[] }).__bars);
      const etas = bars.filter((t) => /^(Embed|Epochs).*about .+ \(±.+\) left$/.test(t));
      console.log(`[web-e2e] ETAs shown: ${etas.slice(0, 3).join(' | ')} … (${etas.length} in all)`);
      assert.ok(etas.length > 0, `an ETA with its uncertainty was shown: ${bars.join(' | ')}`);
      // (No ETA before three reports were timed: lib/eta.test.ts — the page shows reports at most every 250 ms.)
      assert.doesNotMatch(await page.getByTestId('train-progress').innerText(), /left/, 'no ETA once finished');
      assert.match(
        await page.getByTestId('report-from').innerText(),
        /Trained on dataset big\.tsv \(3,?000 rows\) with model local files/,
      );

      // Noisy labels, 40 epochs: early stopping ends it and the page says how.
      await dataset(page, 'noise.tsv', noise(400));
      await page.getByRole('spinbutton', { name: 'Epochs' }).fill('40');
      await trainAndWait(page, 2);
      const note = await page.getByTestId('early-stop').innerText();
      assert.match(
        note,
        /^Stopped at epoch (\d+) of 40: validation loss did not improve for 3 epochs; best epoch (\d+) restored\.$/,
      );
      const [, stopped, best] = /epoch (\d+) of 40.*best epoch (\d+)/.exec(note)!;
      assert.equal(Number(stopped) - Number(best), 3);
      const epochs = await page.getByRole('progressbar', { name: 'Epochs' }).getAttribute('aria-valuenow');
      assert.equal(Math.floor(Number(epochs)), Number(stopped));
      assert.doesNotMatch(await page.getByTestId('train-progress').innerText(), /left/, 'no ETA after early stopping');
      assert.equal(await page.locator('figure[aria-label="Loss"]').getAttribute('data-x-range'), '1-40');
      await shot(page, '#train', 'train-early-stop');

      // A run with 5 epochs gets its own axis; cancelled, it shows no time and no ETA of its own or the last run.
      // (12,000 texts, pooled differently: the feature cache cannot answer, so the embed stage takes seconds — with
      // 3,000 it took under one, and a click slowed by a loaded machine could land after the run's last check)
      await dataset(page, 'big.tsv', threeClass(12000));
      await page.getByRole('spinbutton', { name: 'Epochs' }).fill('5');
      await page.getByLabel('Pooling').selectOption('cls');
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await page.locator('figure[aria-label="Loss"][data-x-range="1-5"]').waitFor({ timeout: 30_000 });
      assert.equal(await page.getByTestId('train-time').count(), 0, 'the previous run’s time is not shown');
      await page.getByRole('progressbar', { name: 'Embed' }).waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByTestId('train-cancelled').waitFor({ timeout: 60_000 });
      assert.equal(await page.getByTestId('train-time').count(), 0);
      assert.doesNotMatch(await page.getByTestId('train-progress').innerText(), /left/);
      // Evaluate still shows the last finished run, and says which it is; Train names the data it would use.
      assert.match(await page.getByTestId('report-from').innerText(), /noise\.tsv/);
      assert.match(
        await page.getByTestId('train-on').innerText(),
        /Trains on big\.tsv \(12,000 rows\) with model local files/,
      );
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }
  },
);

test(
  'item 7: fine-tune defaults follow the dataset size; fine-tuned worse than frozen on validation → warning, Keep the frozen one restores it',
  { skip },
  async () => {
    const { ctx, page, errors } = await newContext(e);
    try {
      await openApp(page, e);
      await loadFolder(page, e.fixtureDir);
      await dataset(page, 'three.tsv', threeClass(300));
      await trainAndWait(page);
      const frozen = await typeAndClassify(page, 'goal match team');
      const frozenReport = await page.getByTestId('report').innerText();

      await page.getByLabel('Fine-tune encoder layers').selectOption('1');
      const expected = fineTuneEpochsFor(300, [0.8, 0.1, 0.1], 32);
      const epochsField = page.getByRole('spinbutton', { name: 'Epochs' });
      for (let i = 0; i < 100 && (await epochsField.inputValue()) !== String(expected); i++)
        await page.waitForTimeout(200);
      assert.equal(await epochsField.inputValue(), String(expected), 'the fine-tuning default for 300 rows');
      assert.ok(expected >= 10, `300 rows get ${expected} fine-tuning epochs, not 3`);
      // Item 5: its time, before it starts, from a short probe of real training batches.
      await page.getByRole('button', { name: 'Estimate fine-tuning time' }).click();
      const estimate = await page.getByTestId('estimate-result').innerText({ timeout: 120_000 });
      console.log(`[web-e2e] ${estimate}`);
      assert.match(
        estimate,
        /^Fine-tuning epochs: about .+ \(±.+\) \(probe: \d batches of 32 at [\d.]+ s each × 8 batches × \d+ epochs/,
      );
      await shot(page, '#train', 'train-fine-tune-estimate');
      // Then deliberately starved (1 epoch, tiny learning rates): worse than frozen on validation.
      await page.getByRole('spinbutton', { name: 'Epochs' }).fill('1');
      await page.getByLabel('Head learning rate').fill('0.000001');
      await page.getByLabel('Encoder learning rate').fill('0.0000001');
      await trainAndWait(page, 2);
      const warn = page.getByTestId('frozen-better');
      await warn.waitFor({ timeout: 30_000 });
      assert.match(await warn.innerText(), /Fine-tuning did worse than the frozen encoder on the validation split/);
      await shot(page, '#train', 'train-frozen-better');
      await page.getByRole('button', { name: 'Keep the frozen one' }).click();
      await page.getByTestId('report-from').filter({ hasText: 'Frozen-encoder run kept' }).waitFor({ timeout: 60_000 });
      assertClose(await typeAndClassify(page, 'goal match team'), frozen, 1e-5, 'the frozen classifier is back');
      assert.equal(await page.getByTestId('report').innerText(), frozenReport);
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }
  },
);
