/**
 * Issue 13 items 3 and 4: a first run with no network — the built-in demo encoder (generated at build time,
 * random-init, badged) + the built-in e-mails → train → evaluate → try, with no request outside the app; the Model step
 * says how to get a real model folder. The site snippet installs the published @browser-bert/classify.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { skipUnlessChromium } from '../../../packages/core/test-support/browser';
import { webDir } from './harness';
import { newContext, openApp, requestsOutside, shot, startE2E, trainAndWait, typeAndClassify, type E2E } from './e2e';

const skip = skipUnlessChromium();
let e: E2E;

before(async () => {
  if (!skip) e = await startE2E();
});
after(async () => {
  await e?.close();
});

test(
  'item 3: offline first run — demo encoder + built-in e-mails → train → try, nothing outside the app',
  { skip },
  async () => {
    const { ctx, page, requests, errors } = await newContext(e);
    try {
      await ctx.setOffline(false);
      // A model host nobody listens on: the flow must not need it.
      await openApp(page, e, 'http://127.0.0.1:9');
      assert.match(
        await page.getByTestId('real-model-help').innerText(),
        /browser-bert convert.*cache|hub model/s,
        'the Model step says how to get a real model folder',
      );
      await page.getByRole('button', { name: /Use the built-in demo encoder/ }).click();
      await page.getByTestId('model-summary').waitFor({ timeout: 60_000 });
      assert.match(await page.getByTestId('model-summary').innerText(), /built-in demo encoder \(random weights\)/);
      assert.match(await page.getByTestId('model-summary').innerText(), /2 layers · 128 hidden/);
      await page.getByTestId('random-init-badge').waitFor();
      assert.match(await page.getByTestId('demo-model').innerText(), /random weights — pipeline check only/);
      await shot(page, '#model', 'model-offline-demo');

      await page.getByRole('button', { name: 'Use the built-in e-mails' }).click();
      await page.getByTestId('dataset-summary').filter({ hasText: 'SpamAssassin' }).waitFor({ timeout: 60_000 });
      const t0 = Date.now();
      await trainAndWait(page);
      console.log(`[web-e2e] offline demo encoder, built-in e-mails: Train → metrics ${Date.now() - t0} ms`);
      assert.match(await page.getByTestId('report').innerText(), /random-init encoder/);
      assert.match(await page.getByTestId('report-from').innerText(), /built-in demo encoder/);
      const scores = await typeAndClassify(page, 'Free money, click here to claim your prize');
      assert.deepEqual(Object.keys(scores).sort(), ['ham', 'spam']);
      await page.getByTestId('try-random-init').waitFor();

      assert.deepEqual(requestsOutside(requests, e.app.url), [], 'no request outside the app');
      assert.ok(requests.some((u) => u.includes('/models/demo-bert-tiny/model.safetensors')));
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }
  },
);

test(
  'item 4: the site snippet installs @browser-bert/classify, a publishable package of this repo',
  { skip },
  async () => {
    const pkg = JSON.parse(await readFile(path.join(webDir, '../../packages/classify/package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
    };
    assert.equal(pkg.name, '@browser-bert/classify');
    assert.notEqual(pkg.private, true);
    const { ctx, page } = await newContext(e);
    try {
      await openApp(page, e);
      const snippet = await page.getByTestId('snippet-bundler').innerText();
      assert.match(snippet, /npm install @browser-bert\/classify/);
      assert.doesNotMatch(snippet, /@browser-bert\/core/);
    } finally {
      await ctx.close();
    }
  },
);
