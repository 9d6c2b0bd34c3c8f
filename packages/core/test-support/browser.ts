/**
 * Browser test support: bundle a test entry with esbuild, serve it on 127.0.0.1 (with COOP/COEP so wasm
 * threads work), and drive Debian's chromium through playwright-core.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, writeFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { wasmDir } from '../src/node';

/** The package.json export condition that resolves the workspace's packages to their TypeScript sources. */
export const SOURCE_CONDITION = '@browser-bert/source';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** For node:test's `skip`: a message when chromium is not installed. */
export function skipUnlessChromium(): string | false {
  return existsSync(CHROMIUM_PATH) ? false : `needs ${CHROMIUM_PATH} (apt-get install chromium; .ci/run does it)`;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Chromium with WebGPU: it needs the GPU process, so this one runs without --disable-gpu and with WebGPU enabled;
 * with no GPU, Chromium falls back to SwiftShader (a CPU implementation: functional coverage, not speed).
 */
export async function launchChromiumWithWebGpu(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS.filter((a) => a !== '--disable-gpu'), '--enable-unsafe-webgpu'],
    headless: true,
  });
}

/** Whether a page (of a secure origin, e.g. http://127.0.0.1) gets a WebGPU adapter. */
export async function hasWebGpuAdapter(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return gpu ? (await gpu.requestAdapter()) !== null : false;
  });
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.css': 'text/css',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface StaticServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * A handler for serveStatic's `extra`: each URL prefix (e.g. '/clf/') serves the files of its folder; a path that
 * leaves the folder is refused (403), a missing file is a 404.
 */
export function folderRoutes(mounts: Readonly<Record<string, string>>) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const prefix = Object.keys(mounts).find((p) => u.pathname.startsWith(p));
    if (prefix === undefined) return false;
    const dir = path.resolve(mounts[prefix]!);
    const file = path.resolve(dir, decodeURIComponent(u.pathname.slice(prefix.length)));
    if (!file.startsWith(dir + path.sep)) return (void res.writeHead(403).end(), true);
    readFile(file).then(
      (b) => res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' }).end(b),
      () => res.writeHead(404).end('not found'),
    );
    return true;
  };
}

/**
 * Serves `root` on 127.0.0.1 at a free port, with cross-origin isolation headers. `extra` answers some requests
 * first (e.g. folderRoutes, a hub mock) by returning true.
 */
export async function serveStatic(
  root: string,
  extra?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<StaticServer> {
  const server = createServer((req, res) => {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (extra?.(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.setHeader('Content-Type', MIME[path.extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('server has no port');
  return {
    url: `http://127.0.0.1:${addr.port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Bundles `entry` (a .ts module) for the browser into a temp folder with an index.html that loads it and
 * the tfjs wasm binaries beside it. Returns the folder.
 */
export async function bundleForBrowser(entry: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-browser-'));
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: path.join(dir, 'entry.js'),
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
    // the workspace's packages from source (package.json exports), like the tests and the app's dev server
    conditions: [SOURCE_CONDITION],
  });
  await writeFile(
    path.join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>browser-bert test</title><script type="module" src="./entry.js"></script>',
  );
  await cp(wasmDir(), path.join(dir, 'wasm'), { recursive: true });
  return dir;
}

/** Opens `url` and waits until the page sets `window.__done` (true or an error string). */
export async function runPage(page: Page, url: string, timeoutMs = 600_000): Promise<unknown> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as { __done?: unknown }).__done !== undefined, undefined, {
    timeout: timeoutMs,
  });
  const result = await page.evaluate(() => (globalThis as { __result?: unknown; __done?: unknown }).__result);
  const done = await page.evaluate(() => (globalThis as { __done?: unknown }).__done);
  if (done !== true) throw new Error(`page failed: ${String(done)}${errors.length ? ` (${errors.join('; ')})` : ''}`);
  return result;
}
