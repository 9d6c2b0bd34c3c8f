/**
 * Issue 13 item 9: reuse — rename classes ("0"/"1" → names that reach Try, Evaluate and the saved bundle), score a
 * whole file and download the scores as CSV, add a text from Try to the dataset with a chosen label, and after a
 * rejected file the page says which dataset is still loaded and Train names it. (Reopening a downloaded zip is in
 * keep.browser.test.ts.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { skipUnlessChromium } from '../../../packages/core/test-support/browser';
import { parseDataset } from '../../../packages/core/src/data';
import { syntheticCsv } from './harness';
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
  waitBackend,
  type E2E,
} from './e2e';

const skip = skipUnlessChromium();
const TEXT = 'URGENT claim your cash reward (offer 3)';
let e: E2E;

before(async () => {
  if (!skip) e = await startE2E();
});
after(async () => {
  await e?.close();
});

/** The synthetic spam/ham rows with the labels a spreadsheet export often has: "1" / "0". */
const numericCsv = () =>
  syntheticCsv()
    .replace(/^spam,/gm, '1,')
    .replace(/^ham,/gm, '0,');

test(
  'item 9: rename 0/1 → ham/spam everywhere; score a file → CSV equal to Try; add a Try text to the data; a rejected file keeps and names the dataset',
  { skip },
  async () => {
    const { ctx, page, errors } = await newContext(e, { acceptDownloads: true });
    try {
      await openApp(page, e, 'http://127.0.0.1:9');
      await loadFolder(page, e.fixtureDir);
      await uploadText(page, 'numeric.csv', numericCsv());
      await page.getByTestId('dataset-summary').filter({ hasText: 'numeric.csv' }).waitFor({ timeout: 30_000 });
      await trainAndWait(page);
      const before = await typeAndClassify(page, TEXT);
      assert.deepEqual(Object.keys(before).sort(), ['0', '1']);

      // Rename: the same scores under the new names, in Try, Evaluate and the saved bundle.
      await page.getByLabel('Rename class “0” to').fill('ham');
      await page.getByLabel('Rename class “1” to').fill('spam');
      await page.getByRole('button', { name: 'Rename classes' }).click();
      await page.getByTestId('score-spam').waitFor({ timeout: 30_000 });
      const renamed = await typeAndClassify(page, TEXT);
      assertClose(renamed, { ham: before['0']!, spam: before['1']! }, 1e-6, 'renamed scores');
      const metrics = await page.getByTestId('metrics-table').innerText();
      assert.match(metrics, /ham/);
      assert.match(metrics, /spam/);
      await shot(page, '#try', 'try-reuse');
      await page.getByRole('textbox', { name: /^Name/ }).fill('renamed');
      await page.getByRole('button', { name: 'Save in this browser' }).click();
      await page.getByTestId('saved-list').filter({ hasText: 'ham / spam' }).waitFor({ timeout: 60_000 });

      // Score a file (text only, one column) → CSV: one row per text, the Try scores for the same text.
      const texts = ['text', TEXT, 'See you at dinner tonight', '"Quoted, with a comma"'];
      const download = page.waitForEvent('download');
      await page.getByTestId('batch-score-file').setInputFiles({
        name: 'inbox.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(texts.join('\n') + '\n'),
      });
      const file = await download;
      assert.equal(file.suggestedFilename(), 'inbox-scores.csv');
      const csv = await readFile(await file.path(), 'utf8');
      const back = parseDataset(csv, { textColumn: 'text', labelColumn: 'predicted', validate: false });
      assert.deepEqual(back.columns, ['text', 'predicted', 'ham', 'spam']);
      assert.deepEqual(back.texts, [TEXT, 'See you at dinner tonight', 'Quoted, with a comma']);
      const firstRow = csv.split('\r\n')[1]!.split(',');
      assertClose({ ham: Number(firstRow.at(-2)), spam: Number(firstRow.at(-1)) }, renamed, 1e-6, 'file scores vs Try');
      await page.getByTestId('scored').filter({ hasText: '3 texts scored' }).waitFor();

      // Add the Try text to the dataset with a chosen label.
      await typeAndClassify(page, 'a brand new text about lunch plans');
      await page.getByLabel('Label for the dataset').selectOption('0');
      await page.getByRole('button', { name: 'Add this text to the dataset' }).click();
      await page.getByTestId('dataset-summary').filter({ hasText: '1 added from the Try step' }).waitFor();
      assert.match(await page.getByTestId('dataset-summary').innerText(), /82 rows/);
      assert.match(await page.getByTestId('train-on').innerText(), /numeric\.csv \(82 rows, 1 added from Try\)/);

      // A rejected file: the page says which dataset is still loaded, and Train names it.
      await uploadText(page, 'bad.csv', 'label,text\nspam,"a"\nspam,"b"\n');
      await page.locator('#data').getByTestId('error').waitFor({ timeout: 30_000 });
      assert.match(await page.getByTestId('dataset-kept').innerText(), /Still loaded: numeric\.csv \(82 rows\)/);
      assert.match(await page.getByTestId('train-on').innerText(), /Trains on numeric\.csv/);
      await shot(page, '#data', 'data-error-kept');
      // Training again uses the 82 rows (the added text included).
      await trainAndWait(page, 2);
      assert.match(await page.getByTestId('report-from').innerText(), /numeric\.csv \(82 rows\)/);

      // The renamed classifier after a reload keeps its names.
      await page.reload();
      await waitBackend(page);
      await page.getByRole('button', { name: 'Load renamed' }).click();
      await page.getByTestId('active-classifier').filter({ hasText: 'renamed' }).waitFor({ timeout: 60_000 });
      assertClose(await typeAndClassify(page, TEXT), renamed, 1e-5, 'renamed, after reload');
      assert.match(await page.getByTestId('metrics-table').innerText(), /spam/);
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }
  },
);
