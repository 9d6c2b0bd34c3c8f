/**
 * E2E support for the web app: build it with Vite into a temp folder, serve it on 127.0.0.1 with COOP/COEP, serve
 * generated checkpoints as a local hub (with CORS, as huggingface.co sends), and watch the page's main thread.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { buildBuiltinData } from '../scripts/build-data';
import { buildDemoModel } from '../scripts/build-demo-model';

export const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The committed screenshots: written only with UPDATE_SCREENSHOTS=1, so a normal test run leaves them alone. */
export const committedScreenshotDir = path.resolve(webDir, '../../docs/screenshots/web');
export const screenshotDir =
  process.env.UPDATE_SCREENSHOTS === '1' ? committedScreenshotDir : path.join(os.tmpdir(), 'bb-web-screenshots');

/** `vite build` of the app into a fresh temp folder (the built-in dataset is prepared first, as `prebuild` does). */
export async function buildApp(): Promise<{
  dir: string;
  bytes: { total: number; js: number; wasm: number; data: number };
}> {
  await buildBuiltinData();
  await buildDemoModel();
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'bb-web-'));
  const { build } = await import('vite');
  await build({
    root: webDir,
    configFile: path.join(webDir, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return { dir: outDir, bytes: await sizes(outDir) };
}

async function sizes(dir: string): Promise<{ total: number; js: number; wasm: number; data: number }> {
  const { readdir } = await import('node:fs/promises');
  const out = { total: 0, js: 0, wasm: 0, data: 0 };
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath, e.name);
    const n = (await stat(p)).size;
    out.total += n;
    if (p.endsWith('.js')) out.js += n;
    else if (p.endsWith('.wasm')) out.wasm += n;
    else if (p.includes(`${path.sep}data${path.sep}`)) out.data += n;
  }
  return out;
}

export interface LocalHub {
  readonly endpoint: string;
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * A loopback hub at /{repo}/resolve/{revision}/{file}; `repos` maps "org/name@revision" to a folder. Sends CORS
 * headers (the app's origin differs from the hub's, as on huggingface.co).
 */
export async function startLocalHub(repos: Record<string, string>): Promise<LocalHub> {
  const requests: string[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', '*');
    res.setHeader('Access-Control-Expose-Headers', '*');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.pathname);
    const m = /^\/((?:[^/]+\/)?[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const folder = m ? repos[`${m[1]}@${decodeURIComponent(m[2] ?? '')}`] : undefined;
    if (!m || !folder) return void res.writeHead(404, { 'x-error-code': 'RepoNotFound' }).end('Repository not found');
    const file = path.join(folder, ...(m[3] ?? '').split('/').map(decodeURIComponent));
    if (!file.startsWith(folder + path.sep)) return void res.writeHead(400).end();
    try {
      const bytes = await readFile(file);
      res.writeHead(200, { 'content-length': String(bytes.length), 'content-type': 'application/octet-stream' });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    } catch {
      res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
    }
  };
  const server = createServer((req, res) => void handle(req, res).catch(() => res.writeHead(500).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** Installed before the app's scripts: records long tasks and timer drift on the main thread. */
export const MAIN_THREAD_PROBE = `
  (() => {
    const w = window;
    w.__probe = { longTasks: [], starts: [], maxDrift: 0, t0: 0, reset() { this.longTasks = []; this.starts = []; this.maxDrift = 0; this.t0 = performance.now(); } };
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) { w.__probe.longTasks.push(e.duration); w.__probe.starts.push(e.startTime - w.__probe.t0); }
      }).observe({ type: 'longtask', buffered: false });
    } catch {}
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      w.__probe.maxDrift = Math.max(w.__probe.maxDrift, now - last - 50);
      last = now;
    }, 50);
  })();
`;

export interface ProbeResult {
  readonly longTasks: number[];
  /** Start of each long task, ms after the last reset. */
  readonly starts: number[];
  readonly maxDrift: number;
}

export async function readProbe(page: Page): Promise<ProbeResult> {
  return page.evaluate(() => {
    const p = (window as unknown as { __probe: ProbeResult }).__probe;
    return { longTasks: [...p.longTasks], starts: [...p.starts], maxDrift: p.maxDrift };
  });
}

export async function resetProbe(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { __probe: { reset(): void } }).__probe.reset());
}

/** A small synthetic two-class CSV (quoted, with a header) for quick runs that need no shared data. */
export function syntheticCsv(perClass = 40): string {
  const spam = [
    'WIN a free prize now',
    'URGENT claim your cash reward',
    'Free entry in a weekly draw, text WIN',
    'You have been selected for a £1000 bonus',
    'Call now to claim your free ringtone',
  ];
  const ham = [
    'See you at dinner tonight',
    'Can you pick up milk on the way home?',
    'The meeting moved to 3pm',
    'Thanks for the lovely evening',
    'I will call you when I get there',
  ];
  // The first row carries markup: the app must show it as text, never as HTML.
  const rows = ['label,text', 'ham,"<b>not bold</b> <img src=x alt=markup> see you at 6"'];
  for (let i = 0; i < perClass; i++) {
    rows.push(`spam,"${spam[i % spam.length]} (offer ${i})"`);
    rows.push(`ham,"${ham[i % ham.length]}, note ${i}"`);
  }
  return rows.join('\n') + '\n';
}
