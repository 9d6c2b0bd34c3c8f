/**
 * Issue 14, time-outs: a download that stalls (no headers; headers then no byte; half a body then nothing) fails
 * after the stall time-out with HubError kind 'timeout' and a hint naming the option, is not cached, and does not
 * hang load() when it is one shard of several; a bundle by URL stalls into a StorageError. A slow but steady body
 * does not time out (the clock restarts on every chunk). Time-outs here are 300 ms; bounds are generous multiples.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CancelledError, HubError, StorageError, UsageError } from '../../src/errors';
import { download } from '../../src/io/download';
import { createFolderCache } from '../../src/io/node/model-cache';
import { createMemoryCache } from '../../src/io/model-cache';
import { initNodeBackend, loadNode } from '../../src/node';
import { load } from '../../src/load/model';
import { loadClassifier } from '../../src/load/classifier';
import { startHubServer, type HubServer, type Fault } from '../../test-support/hub-server';
import { makeLoadFixtures } from '../../test-support/hub-fixtures';
import { makeTinyClassifier, type TinyClassifier } from '../../test-support/tiny-classifier';

const MS = 300;
/** Far above MS plus one retry (300 ms pause + MS again), far below "hangs". */
const BOUND = 8_000;
let tmp = '';
let hub: HubServer;
let tiny: TinyClassifier;
let shardNames: string[] = [];
const big = new Uint8Array(200_000).map((_, i) => (i * 13) & 255);

before(async () => {
  await initNodeBackend('wasm');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-stall-'));
  const dirs = await makeLoadFixtures(tmp, ['sharded']);
  const { writeFile, mkdir, readdir } = await import('node:fs/promises');
  shardNames = (await readdir(dirs.sharded)).filter((n) => /^model-\d+-of-\d+\.safetensors$/.test(n)).sort();
  await mkdir(path.join(tmp, 'files'));
  await writeFile(path.join(tmp, 'files', 'big.bin'), big);
  tiny = await makeTinyClassifier(tmp);
  hub = await startHubServer({
    'org/sharded@main': dirs.sharded,
    'org/f@main': path.join(tmp, 'files'),
    'org/clf@main': tiny.clfDir,
  });
});
after(async () => {
  tiny?.model.dispose();
  await hub?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const fileUrl = () => `${hub.endpoint}/org/f/resolve/main/big.bin`;

async function withFault<T>(key: string, fault: Fault, f: () => Promise<T>): Promise<T> {
  hub.faults.set(key, fault);
  try {
    return await f();
  } finally {
    hub.faults.delete(key);
  }
}

async function timed<T>(f: () => Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const t0 = performance.now();
  try {
    return { value: await f(), ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}

const activeTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

for (const [fault, where] of [
  ['stall-headers', /waiting for the response/],
  ['stall-body', /after 0 bytes/],
  ['stall-mid', /after 100000 bytes/],
] as const) {
  test(`download(): ${fault} → HubError 'timeout' after the stall time-out, hint names the option`, async () => {
    const r = await withFault('org/f@main/big.bin', fault, () =>
      timed(() => download(fileUrl(), { file: 'big.bin', endpoint: hub.endpoint, stallTimeoutMs: MS })),
    );
    const e = r.error;
    assert.ok(e instanceof HubError, String(e));
    assert.equal(e.kind, 'timeout');
    assert.equal(e.code, 'NETWORK');
    assert.match(e.message, new RegExp(`^download of big\\.bin stalled: no bytes for ${MS} ms`));
    assert.match(e.message, where);
    assert.match(e.hint, /stallTimeoutMs.*--timeout.*BROWSER_BERT_TIMEOUT_MS/);
    assert.ok(r.ms >= MS - 20 && r.ms < BOUND, `${r.ms} ms`);
  });
}

test('a slow but steady body (a chunk every MS/3) is not a stall: the clock restarts on every chunk', async () => {
  const before = activeTimers();
  const r = await withFault('org/f@main/big.bin', { trickle: { chunks: 8, everyMs: MS / 3 } }, () =>
    timed(() => download(fileUrl(), { file: 'big.bin', endpoint: hub.endpoint, stallTimeoutMs: MS })),
  );
  assert.equal(r.error, undefined, String(r.error));
  assert.ok(r.value?.ok && Buffer.from(r.value.bytes).equals(Buffer.from(big)));
  assert.ok(r.ms > MS, `the transfer took longer than one time-out (${r.ms} ms)`);
  assert.equal(activeTimers(), before, 'no timer left behind');
});

test('a fetch that ignores its AbortSignal and never settles still times out', async () => {
  const never: typeof fetch = () => new Promise<Response>(() => undefined);
  const r = await timed(() =>
    download('http://x.invalid/a', { file: 'a', endpoint: 'x', fetch: never, stallTimeoutMs: MS }),
  );
  assert.ok(r.error instanceof HubError && r.error.kind === 'timeout', String(r.error));
  assert.ok(r.ms < BOUND);
});

test("the caller's abort during a stall is a cancellation, not a time-out; 0 disables the time-out", async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 2 * MS);
  const r = await withFault('org/f@main/big.bin', 'stall-body', () =>
    timed(() => download(fileUrl(), { file: 'big.bin', endpoint: hub.endpoint, stallTimeoutMs: 0, signal: ac.signal })),
  );
  assert.ok(r.error instanceof CancelledError, String(r.error));
  assert.ok(r.ms >= 2 * MS - 20, 'no time-out fired before the abort');
});

test('load(): a stalled shard among two fails the load (no hang), is not cached; the next load works', async () => {
  for (const [i, fault] of [
    [1, 'stall-body'],
    [0, 'stall-headers'],
  ] as const) {
    const cache = createMemoryCache();
    const shard = shardNames[i]!;
    const r = await withFault(`org/sharded@main/${shard}`, fault, () =>
      timed(() => load('org/sharded', { endpoint: hub.endpoint, cache, stallTimeoutMs: MS })),
    );
    assert.ok(r.error instanceof HubError && r.error.kind === 'timeout', String(r.error));
    assert.match(r.error.message, new RegExp(`download of ${shard.replace(/\./g, '\\.')} stalled`));
    assert.ok(r.ms < BOUND, `${r.ms} ms`);
    const keys = [...cache.entries.keys()];
    assert.ok(!keys.some((k) => k.endsWith(shard)), 'the stalled shard is not cached');
    const m = await load('org/sharded', { endpoint: hub.endpoint, cache, stallTimeoutMs: MS });
    assert.equal(m.info.weightsFormat, 'safetensors-sharded');
    m.dispose();
  }
});

test('Node: BROWSER_BERT_TIMEOUT_MS sets the time-out (folder cache keeps nothing of the stalled file); a bad value is a usage error', async () => {
  const cacheDir = path.join(tmp, 'cache-env');
  const env = { HF_ENDPOINT: hub.endpoint, BROWSER_BERT_CACHE: cacheDir, BROWSER_BERT_TIMEOUT_MS: String(MS) };
  const shard = shardNames[1]!;
  const r = await withFault(`org/sharded@main/${shard}`, 'stall-mid', () =>
    timed(() => loadNode('org/sharded', { env })),
  );
  assert.ok(r.error instanceof HubError && r.error.kind === 'timeout', String(r.error));
  assert.ok(r.ms < BOUND);
  const keys = (await createFolderCache(cacheDir).list()).map((e) => e.key);
  assert.ok(
    keys.some((k) => k.endsWith('/config.json')),
    'files before the stall are cached',
  );
  assert.ok(!keys.some((k) => k.endsWith(shard)), 'the stalled one is not');
  await assert.rejects(loadNode('org/sharded', { env: { ...env, BROWSER_BERT_TIMEOUT_MS: 'soon' } }), UsageError);
});

test('a classifier bundle by URL whose head weights stall: StorageError naming the option', async () => {
  const url = `${hub.endpoint}/org/clf/resolve/main/`;
  const ok = await loadClassifier(url, { model: tiny.model, stallTimeoutMs: MS });
  ok.dispose();
  const r = await withFault('org/clf@main/head/weights.bin', 'stall-body', () =>
    timed(() => loadClassifier(url, { model: tiny.model, stallTimeoutMs: MS })),
  );
  assert.ok(r.error instanceof StorageError, String(r.error));
  assert.match(r.error.message, new RegExp(`^${url}head/weights\\.bin stalled: no bytes for ${MS} ms`));
  assert.match(r.error.hint, /loadClassifier option stallTimeoutMs/);
  assert.ok(r.ms < BOUND);
});
