import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HubError } from '../../src/errors';
import { startHubServer, type HubServer } from '../../test-support/hub-server';
import { createMemoryCache, listCachedModels, removeCachedModel } from '../../src/hub/cache';
import { createHubSource, MANIFEST_FILE } from '../../src/hub/hub-source';
import { createFolderCache } from '../../src/hub/node-cache';
import { hubFileUrl, parseHubFileUrl, parseHubId } from '../../src/hub/source';
import type { FileProgress } from '../../src/hub/types';

let tmp: string;
let hub: HubServer;
const big = new Uint8Array(300_000).map((_, i) => (i * 7) & 255);

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-hub-'));
  const repo = path.join(tmp, 'repo');
  await mkdir(path.join(repo, 'sub'), { recursive: true });
  await writeFile(path.join(repo, 'a.json'), '{"a":1}');
  await writeFile(path.join(repo, 'big.bin'), big);
  await writeFile(path.join(repo, 'sub', 'c.json'), '{"c":3}');
  const other = path.join(tmp, 'other');
  await mkdir(other);
  await writeFile(path.join(other, 'a.json'), '{"a":"v2"}');
  hub = await startHubServer({ 'org/m@main': repo, 'org/m@refs/pr/1': other, 'solo@main': repo });
});
after(async () => {
  await hub.close();
  await rm(tmp, { recursive: true, force: true });
});

const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

test('hub ids: org/name, @revision, single names; bad ids and double revisions are usage errors', () => {
  assert.deepEqual(parseHubId('org/m'), { repo: 'org/m', revision: 'main' });
  assert.deepEqual(parseHubId('org/m@refs/pr/1'), { repo: 'org/m', revision: 'refs/pr/1' });
  assert.deepEqual(parseHubId('bert-base-uncased', 'abc'), { repo: 'bert-base-uncased', revision: 'abc' });
  assert.throws(() => parseHubId('a/b/c'), /neither a hub model id nor an existing folder/);
  assert.throws(() => parseHubId('org/m@v1', 'v2'), /revision given twice/);
  const url = hubFileUrl('https://hf.example/', { repo: 'org/m', revision: 'refs/pr/1' }, '1_Pooling/config.json');
  assert.equal(url, 'https://hf.example/org/m/resolve/refs%2Fpr%2F1/1_Pooling/config.json');
  assert.deepEqual(parseHubFileUrl(url), {
    endpoint: 'https://hf.example',
    repo: 'org/m',
    revision: 'refs/pr/1',
    file: '1_Pooling/config.json',
  });
});

test('files resolve at {endpoint}/{repo}/resolve/{revision}/{file}, revisions included', async () => {
  hub.requests.length = 0;
  const main = createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/m') });
  const pr = createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/m@refs/pr/1') });
  const solo = createHubSource({ endpoint: hub.endpoint + '/', ref: parseHubId('solo') });
  assert.equal(text(await main.get('a.json')), '{"a":1}');
  assert.equal(text(await pr.get('a.json')), '{"a":"v2"}');
  assert.equal(text(await main.get('sub/c.json')), '{"c":3}');
  assert.equal(text(await solo.get('a.json')), '{"a":1}');
  assert.equal(await main.get('absent.json'), undefined, 'a 404 file is absent, not an error');
  assert.deepEqual(hub.requests, [
    '/org/m/resolve/main/a.json',
    '/org/m/resolve/refs%2Fpr%2F1/a.json',
    '/org/m/resolve/main/sub/c.json',
    '/solo/resolve/main/a.json',
    '/org/m/resolve/main/absent.json',
  ]);
});

test('progress events: monotone loaded, total from Content-Length, one final done; cached reads say fromCache', async () => {
  const cache = createMemoryCache();
  const events: FileProgress[] = [];
  const src = createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/m'), cache });
  const bytes = await src.get('big.bin', (p) => events.push(p));
  assert.deepEqual(bytes, big);
  assert.ok(events.length >= 2, `expected several events, got ${events.length}`);
  for (let i = 1; i < events.length; i++) assert.ok(events[i]!.loaded >= events[i - 1]!.loaded);
  assert.ok(events.every((e) => e.file === 'big.bin' && e.total === big.length && !e.fromCache));
  assert.deepEqual(
    events.map((e) => e.done),
    [...events.slice(1).map(() => false), true],
  );
  assert.equal(events.at(-1)!.loaded, big.length);

  hub.requests.length = 0;
  const again: FileProgress[] = [];
  const src2 = createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/m'), cache });
  assert.deepEqual(await src2.get('big.bin', (p) => again.push(p)), big);
  assert.deepEqual(again, [{ file: 'big.bin', loaded: big.length, total: big.length, done: true, fromCache: true }]);
  assert.deepEqual(hub.requests, [], 'a cached file makes no request');
});

for (const fault of ['cut', 'short'] as const) {
  test(`a download ${fault === 'cut' ? 'whose socket dies midway' : 'shorter than its Content-Length'} errors clearly and is not cached`, async () => {
    const dir = await mkdtemp(path.join(tmp, 'cache-'));
    const cache = createFolderCache(dir);
    hub.faults.set('org/m@main/big.bin', fault);
    try {
      const src = createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/m'), cache });
      await assert.rejects(src.get('big.bin'), (e: unknown) => {
        assert.ok(e instanceof HubError, String(e));
        assert.equal(e.code, 'NETWORK');
        assert.match(e.message, /download of big\.bin stopped after \d+ of 30[01]000 bytes .*nothing was cached/);
        return true;
      });
      assert.deepEqual(await cache.list(), []);
      assert.equal(await cache.get(hubFileUrl(hub.endpoint, parseHubId('org/m'), 'big.bin')), undefined);
    } finally {
      hub.faults.delete('org/m@main/big.bin');
    }
    // The next, healthy attempt downloads and caches it.
    const src = createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/m'), cache });
    assert.deepEqual(await src.get('big.bin'), big);
    assert.equal((await cache.list()).length, 1);
  });
}

test('a body shorter than Content-Length is refused even when the stream ends cleanly (injected fetch)', async () => {
  const cache = createMemoryCache();
  const fakeFetch = (async () =>
    new Response(new Uint8Array(10), { headers: { 'content-length': '25' } })) as unknown as typeof fetch;
  const src = createHubSource({ endpoint: 'https://hub.invalid', ref: parseHubId('org/m'), cache, fetch: fakeFetch });
  await assert.rejects(src.get('x.bin'), /stopped after 10 of 25 bytes/);
  assert.equal(cache.entries.size, 0);
});

test('missing repo, missing revision, gated repo: clear errors', async () => {
  const nope = createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/nope') });
  await assert.rejects(
    nope.get('config.json'),
    /model org\/nope not found at http:\/\/127\.0\.0\.1:\d+ — check the id, or that it is public/,
  );
  const rev = createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/m@v9') });
  await assert.rejects(rev.get('config.json'), /model org\/m has no revision "v9"/);
  hub.faults.set('org/m@main/a.json', { status: 401 });
  try {
    const gated = createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/m') });
    await assert.rejects(gated.get('a.json'), (e: unknown) => {
      assert.ok(e instanceof HubError);
      assert.equal(e.status, 401);
      assert.match(e.message, /gated or private .*pass a token/);
      return true;
    });
  } finally {
    hub.faults.delete('org/m@main/a.json');
  }
});

test('offline: cached files and remembered absences are served, anything else says the hub cannot be reached', async () => {
  const cache = createMemoryCache();
  const local = await startHubServer({ 'org/m@main': path.join(tmp, 'repo') });
  const first = createHubSource({ endpoint: local.endpoint, ref: parseHubId('org/m'), cache });
  await first.get('a.json');
  assert.equal(await first.get('absent.json'), undefined);
  await first.finish();
  assert.ok(cache.entries.has(hubFileUrl(local.endpoint, parseHubId('org/m'), MANIFEST_FILE)));
  await local.close();

  for (const refresh of [false, true]) {
    const offline = createHubSource({ endpoint: local.endpoint, ref: parseHubId('org/m'), cache, refresh });
    assert.equal(text(await offline.get('a.json')), '{"a":1}');
    assert.equal(await offline.get('absent.json'), undefined);
    await assert.rejects(offline.get('big.bin'), (e: unknown) => {
      assert.ok(e instanceof HubError);
      assert.equal(e.code, 'NETWORK');
      assert.match(e.message, /cannot reach http:\/\/127\.0\.0\.1:\d+ — offline\? set HF_ENDPOINT/);
      return true;
    });
  }
});

test('folder cache: atomic entries, listing by model, removal frees the bytes and prunes folders', async () => {
  const dir = await mkdtemp(path.join(tmp, 'fc-'));
  const cache = createFolderCache(dir);
  const ref = parseHubId('org/m@refs/pr/1');
  await cache.put(hubFileUrl(hub.endpoint, ref, 'a.json'), new Uint8Array([1, 2, 3]));
  await cache.put(hubFileUrl(hub.endpoint, ref, MANIFEST_FILE), new Uint8Array([9]));
  await cache.put(hubFileUrl(hub.endpoint, parseHubId('solo'), 'sub/c.json'), new Uint8Array(10));
  assert.deepEqual(await cache.get(hubFileUrl(hub.endpoint, ref, 'a.json')), new Uint8Array([1, 2, 3]));
  const models = await listCachedModels(cache);
  assert.deepEqual(
    models.map((m) => [m.endpoint, m.repo, m.revision, m.size, m.files.length]),
    [
      [hub.endpoint, 'solo', 'main', 10, 1],
      [hub.endpoint, 'org/m', 'refs/pr/1', 4, 2],
    ],
  );
  // Human-readable layout, no temp files left.
  const host = encodeURIComponent(new URL(hub.endpoint).host);
  assert.deepEqual(await readdir(path.join(dir, 'http', host, 'org', 'm', 'resolve', 'refs%252Fpr%252F1')), [
    '%2Ebrowser-bert-manifest.json',
    'a.json',
  ]);
  assert.deepEqual(await readdir(path.join(dir, 'http', host, 'solo', 'resolve', 'main', 'sub')), ['c.json']);
  assert.equal(await removeCachedModel(cache, { repo: 'org/m' }), 4);
  assert.deepEqual(await readdir(path.join(dir, 'http', host)), ['solo']);
  assert.equal((await listCachedModels(cache)).length, 1);
});

test('a throwing onProgress (how the web app cancels) stops the download and caches nothing', async () => {
  const cache = createMemoryCache();
  const src = createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/m'), cache });
  let calls = 0;
  await assert.rejects(
    src.get('big.bin', (p) => {
      if (p.loaded > 0 && ++calls === 1) throw new Error('stop');
    }),
    /^Error: stop$/,
  );
  assert.equal(cache.entries.size, 0);
  const aborted = new AbortController();
  aborted.abort();
  const src2 = createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/m'), cache, signal: aborted.signal });
  await assert.rejects(src2.get('big.bin'), { name: 'CancelledError' });
  assert.equal(cache.entries.size, 0);
});

test('transient failures (5xx, a cut transfer) are retried once; a lasting one is reported', async () => {
  const path1 = '/org/m/resolve/main/a.json';
  const count = () => hub.requests.filter((r) => r === path1).length;
  hub.requests.length = 0;
  hub.faults.set('org/m@main/a.json', { status: 503, times: 1 });
  const src = createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/m') });
  assert.equal(text(await src.get('a.json')), '{"a":1}');
  assert.equal(count(), 2);

  hub.requests.length = 0;
  hub.faults.set('org/m@main/a.json', { status: 502 });
  try {
    await assert.rejects(
      createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/m') }).get('a.json'),
      (e: unknown) => {
        assert.ok(e instanceof HubError);
        assert.equal(e.status, 502);
        assert.match(e.message, /the hub answered HTTP 502 for a\.json of org\/m@main/);
        return true;
      },
    );
    assert.equal(count(), 2);
  } finally {
    hub.faults.delete('org/m@main/a.json');
  }

  hub.requests.length = 0;
  hub.faults.set('org/m@main/big.bin', 'cut');
  try {
    await assert.rejects(
      createHubSource({ endpoint: hub.endpoint, ref: parseHubId('org/m') }).get('big.bin'),
      /stopped after/,
    );
    assert.equal(hub.requests.filter((r) => r.endsWith('/big.bin')).length, 2);
  } finally {
    hub.faults.delete('org/m@main/big.bin');
  }
});

test('a Content-Length too large to allocate is a clear HubError, not a crash', async () => {
  const fakeFetch = (async () =>
    new Response(new Uint8Array(4), { headers: { 'content-length': String(2 ** 53 - 1) } })) as unknown as typeof fetch;
  const src = createHubSource({ endpoint: 'https://hub.invalid', ref: parseHubId('org/m'), fetch: fakeFetch });
  await assert.rejects(src.get('huge.bin'), (e: unknown) => {
    assert.ok(e instanceof HubError, String(e));
    assert.match(e.message, /huge\.bin is 9007199254740991 bytes, too large to hold in memory here/);
    return true;
  });
});
