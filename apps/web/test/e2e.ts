/**
 * Shared set-up of the E2E files split by flow (keep, reuse, progress, offline): one built app, a loopback hub with a
 * generated random-init bert-tiny, Chromium, and the page helpers every flow uses.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, serveStatic, type StaticServer } from '../../../packages/core/test-support/browser';
import { makeBertCheckpoint } from '../../../packages/core/test-support/fixtures';
import { buildApp, MAIN_THREAD_PROBE, screenshotDir, startLocalHub, type LocalHub } from './harness';

export const REPO = 'test/bert-tiny';

export interface E2E {
  readonly app: StaticServer;
  /** The built app's folder (what `app` serves). */
  readonly appDir: string;
  readonly hub: LocalHub;
  readonly browser: Browser;
  /** The random-init bert-tiny the hub serves as REPO@main (also usable as a local folder). */
  readonly fixtureDir: string;
  /** A temp folder for the test's files. */
  readonly work: string;
  close(): Promise<void>;
}

export async function startE2E(): Promise<E2E> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'bb-web-flow-'));
  const fixtureDir = path.join(work, 'bert-tiny');
  await makeBertCheckpoint(fixtureDir, { shape: 'bert-tiny', seed: 7 });
  const hub = await startLocalHub({ [`${REPO}@main`]: fixtureDir });
  const appDir = (await buildApp()).dir;
  const app = await serveStatic(appDir);
  const browser = await launchChromium();
  await mkdir(screenshotDir, { recursive: true });
  return {
    app,
    appDir,
    hub,
    browser,
    fixtureDir,
    work,
    async close() {
      await browser.close();
      await app.close();
      await hub.close();
    },
  };
}

export async function newContext(
  e: E2E,
  options: { acceptDownloads?: boolean; acceptDialogs?: boolean } = {},
): Promise<{ ctx: BrowserContext; page: Page; requests: string[]; errors: string[] }> {
  const ctx = await e.browser.newContext({
    viewport: { width: 1000, height: 900 },
    ...(options.acceptDownloads ? { acceptDownloads: true } : {}),
  });
  const requests: string[] = [];
  const errors: string[] = [];
  ctx.on('request', (r) => requests.push(r.url()));
  await ctx.addInitScript(MAIN_THREAD_PROBE);
  const page = await ctx.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  if (options.acceptDialogs) page.on('dialog', (d) => void d.accept());
  return { ctx, page, requests, errors };
}

export async function openApp(page: Page, e: E2E, endpoint = e.hub.endpoint): Promise<void> {
  await page.goto(`${e.app.url}/index.html?hf_endpoint=${encodeURIComponent(endpoint)}&backend=wasm`);
  await page.getByTestId('active-backend').filter({ hasText: 'active: wasm' }).waitFor({ timeout: 60_000 });
}

export async function waitBackend(page: Page): Promise<void> {
  await page.getByTestId('active-backend').filter({ hasText: 'active: wasm' }).waitFor({ timeout: 60_000 });
}

export async function loadFolder(page: Page, dir: string): Promise<void> {
  await page.getByTestId('model-folder').setInputFiles(dir);
  await page.getByTestId('model-summary').waitFor({ timeout: 60_000 });
}

export async function uploadText(page: Page, name: string, text: string): Promise<void> {
  await page.getByTestId('dataset-file').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
}

export async function trainAndWait(page: Page, run?: number): Promise<void> {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  if (run === undefined) await page.getByTestId('report').waitFor({ timeout: 240_000 });
  else await page.locator(`[data-testid="train-time"][data-run="${run}"]`).waitFor({ timeout: 240_000 });
}

/** An element screenshot into the screenshot folder (committed ones only with UPDATE_SCREENSHOTS=1). */
export async function shot(page: Page, selector: string, name: string): Promise<void> {
  await page.locator(selector).screenshot({
    path: path.join(screenshotDir, `${name}.png`),
    style: 'nav.steps { position: static !important; }',
  });
}

export async function scoresShown(page: Page): Promise<Record<string, number>> {
  await page.getByTestId('prediction').waitFor({ timeout: 30_000 });
  const out: Record<string, number> = {};
  for (const el of await page.locator('[data-testid^="score-"]').all()) {
    const id = (await el.getAttribute('data-testid')) ?? '';
    out[id.slice('score-'.length)] = Number(await el.getAttribute('data-score'));
  }
  return out;
}

export async function typeAndClassify(page: Page, text: string): Promise<Record<string, number>> {
  const box = page.getByLabel('Type or paste a text');
  await box.fill('');
  await page.getByTestId('prediction').waitFor({ state: 'detached' });
  await box.fill(text);
  return scoresShown(page);
}

export function assertClose(a: Record<string, number>, b: Record<string, number>, tol: number, what: string): void {
  const keys = Object.keys(b).sort();
  if (JSON.stringify(Object.keys(a).sort()) !== JSON.stringify(keys))
    throw new Error(`${what}: labels ${Object.keys(a)} vs ${keys}`);
  for (const k of keys) {
    if (!(Math.abs((a[k] ?? NaN) - (b[k] ?? NaN)) < tol)) throw new Error(`${what}: ${k} ${a[k]} vs ${b[k]}`);
  }
}

/** The requests (URLs) to any origin but the given ones' (data: and blob: URLs are the page's own). */
export function requestsOutside(requests: readonly string[], ...allowed: string[]): string[] {
  const origins = new Set(allowed.map((u) => new URL(u).origin));
  return requests.filter((u) => !/^(data|blob):/.test(u) && !origins.has(new URL(u).origin));
}
