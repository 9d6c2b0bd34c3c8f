/**
 * load() end to end against a loopback hub serving generated HF-layout checkpoints at /{repo}/resolve/{rev}/{file}.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { HubError } from '../../src/errors';
import { initNodeBackend } from '../../src/node';
import { makeLoadFixtures, weightsOf, withModel, type LoadFixture } from '../../test-support/hub-fixtures';
import { startHubServer, type HubServer } from '../../test-support/hub-server';
import { skipUnlessShared } from '../../test-support/shared';
import { createMemoryCache } from '../../src/hub/cache';
import { load } from '../../src/hub/load';
import { createFolderCache } from '../../src/hub/node-cache';
import { loadNode, loadTokenizerNode } from '../../src/hub/node-load';
import type { FileProgress } from '../../src/hub/types';

const skip = skipUnlessShared('data/bert-base-uncased/vocab.txt');

let tmp: string;
let hub: HubServer;
let dirs: Record<LoadFixture, string>;

const sha256 = (b: Uint8Array | Buffer) => createHash('sha256').update(b).digest('hex');

before(async () => {
  if (skip) return;
  await initNodeBackend('cpu');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-load-'));
  dirs = await makeLoadFixtures(tmp, ['st', 'bin', 'sharded', 'st-model', 'plain']);
  hub = await startHubServer({
    'org/st@main': dirs.st,
    'org/bin@main': dirs.bin,
    'org/sharded@main': dirs.sharded,
    'org/st-model@main': dirs['st-model'],
    'org/plain@v1.0': dirs.plain,
  });
});
after(async () => {
  if (skip) return;
  await hub.close();
  await rm(tmp, { recursive: true, force: true });
});

test(
  'hub safetensors: resolve URLs, progress per file, info (hash, format, random-init), a working model',
  { skip },
  async () => {
    hub.requests.length = 0;
    const events: FileProgress[] = [];
    const before = tf.memory().numTensors;
    await withModel(
      load('org/st', { endpoint: hub.endpoint, cache: false, onProgress: (p) => events.push(p) }),
      async (m) => {
        assert.equal(m.info.source, 'org/st');
        assert.equal(m.info.revision, 'main');
        assert.equal(m.info.weightsFormat, 'safetensors');
        assert.equal(m.info.weightsHash, sha256(await readFile(path.join(dirs.st, 'model.safetensors'))));
        assert.equal(m.info.randomInit, true);
        assert.equal(m.info.defaultPooling, 'mean');
        assert.equal(m.info.normalize, false);
        assert.equal(m.config.hiddenSize, 32);
        assert.deepEqual([...m.tokenizer.encode('hello world').inputIds].slice(0, 1), [101]);
        const out = m.encoder.forward({
          batchSize: 1,
          seqLen: 3,
          inputIds: Int32Array.from([101, 1000, 102]),
          tokenTypeIds: new Int32Array(3),
          attentionMask: Int32Array.from([1, 1, 1]),
        });
        assert.deepEqual(out.lastHiddenState.shape, [1, 3, 32]);
        tf.dispose([out.lastHiddenState, out.poolerOutput ?? []]);
      },
    );
    assert.equal(tf.memory().numTensors, before, 'dispose() frees every tensor');
    assert.ok(hub.requests.includes('/org/st/resolve/main/config.json'));
    assert.ok(hub.requests.includes('/org/st/resolve/main/model.safetensors'));
    assert.ok(!hub.requests.some((r) => r.endsWith('pytorch_model.bin')), 'safetensors is preferred: no .bin request');
    const done = events.filter((e) => e.done).map((e) => e.file);
    assert.ok(
      ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json'].every((f) => done.includes(f)),
    );
    const st = events.filter((e) => e.file === 'model.safetensors');
    assert.equal(st.at(-1)!.loaded, st.at(-1)!.total);
  },
);

test(
  'a repo with only pytorch_model.bin: safetensors → index → bin fallback, same weights as the safetensors twin',
  { skip },
  async () => {
    hub.requests.length = 0;
    const st = await load('org/st', { endpoint: hub.endpoint, cache: false });
    try {
      await withModel(load('org/bin', { endpoint: hub.endpoint, cache: false }), (m) => {
        assert.equal(m.info.weightsFormat, 'torch-zip');
        assert.equal(m.info.randomInit, true, 'marker from config.json');
        const a = weightsOf(st);
        const b = weightsOf(m);
        assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
        for (const [k, v] of a) assert.deepEqual(b.get(k), v, k);
      });
    } finally {
      st.dispose();
    }
    const weightRequests = hub.requests.filter((r) => r.startsWith('/org/bin/') && /model/.test(r));
    assert.deepEqual(weightRequests, [
      '/org/bin/resolve/main/model.safetensors',
      '/org/bin/resolve/main/model.safetensors.index.json',
      '/org/bin/resolve/main/pytorch_model.bin',
    ]);
  },
);

test('sharded safetensors: index + both shards, hash over the shard listing', { skip }, async () => {
  hub.requests.length = 0;
  await withModel(load({ hub: 'org/sharded' }, { endpoint: hub.endpoint, cache: false }), async (m) => {
    assert.equal(m.info.weightsFormat, 'safetensors-sharded');
    const names = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
    const listing = (
      await Promise.all(names.map(async (n) => `${sha256(await readFile(path.join(dirs.sharded, n)))}  ${n}\n`))
    ).join('');
    assert.equal(m.info.weightsHash, sha256(Buffer.from(listing)));
  });
  for (const n of [
    'model.safetensors.index.json',
    'model-00001-of-00002.safetensors',
    'model-00002-of-00002.safetensors',
  ]) {
    assert.ok(hub.requests.includes(`/org/sharded/resolve/main/${n}`), n);
  }
});

test(
  'revision: {hub, revision} and org/name@rev reach /resolve/{rev}/; no marker → randomInit false',
  { skip },
  async () => {
    hub.requests.length = 0;
    await withModel(load({ hub: 'org/plain', revision: 'v1.0' }, { endpoint: hub.endpoint, cache: false }), (m) => {
      assert.equal(m.info.revision, 'v1.0');
      assert.equal(m.info.randomInit, false);
    });
    assert.ok(hub.requests.includes('/org/plain/resolve/v1.0/pytorch_model.bin'));
    await assert.rejects(
      load('org/plain', { endpoint: hub.endpoint, cache: false }),
      /model org\/plain has no revision "main"/,
    );
  },
);

test('an interrupted weights download fails clearly, caches nothing of it, and the retry works', { skip }, async () => {
  const cacheDir = path.join(tmp, 'cache-cut');
  const env = { HF_ENDPOINT: hub.endpoint, BROWSER_BERT_CACHE: cacheDir };
  hub.faults.set('org/st@main/model.safetensors', 'cut');
  try {
    await assert.rejects(loadNode('org/st', { env }), (e: unknown) => {
      assert.ok(e instanceof HubError && e.code === 'NETWORK', String(e));
      assert.match(e.message, /download of model\.safetensors stopped after \d+ of \d+ bytes/);
      return true;
    });
  } finally {
    hub.faults.delete('org/st@main/model.safetensors');
  }
  const keys = (await createFolderCache(cacheDir).list()).map((e) => e.key);
  assert.ok(
    keys.some((k) => k.endsWith('/config.json')),
    'files before the failure are cached',
  );
  assert.ok(!keys.some((k) => k.endsWith('/model.safetensors')), 'the cut file is not');
  await withModel(loadNode('org/st', { env }), (m) => assert.equal(m.info.weightsFormat, 'safetensors'));
});

test(
  'offline with a warm cache: loads (bin repo, absences remembered), and says what to do when cold',
  { skip },
  async () => {
    const cacheDir = path.join(tmp, 'cache-offline');
    const local = await startHubServer({ 'org/bin@main': dirs.bin });
    const env = { HF_ENDPOINT: local.endpoint, BROWSER_BERT_CACHE: cacheDir };
    const online = await loadNode('org/bin', { env });
    const hash = online.info.weightsHash;
    online.dispose();
    await local.close();
    const events: FileProgress[] = [];
    await withModel(loadNode('org/bin', { env, onProgress: (p) => events.push(p) }), (m) => {
      assert.equal(m.info.weightsHash, hash);
      assert.equal(m.info.weightsFormat, 'torch-zip');
    });
    assert.ok(events.length > 0 && events.every((e) => e.fromCache && e.done));
    // HF_HUB_OFFLINE=1 against a live hub: cache only, not one request.
    const live = await startHubServer({ 'org/bin@main': dirs.bin });
    try {
      const liveEnv = {
        HF_ENDPOINT: live.endpoint,
        BROWSER_BERT_CACHE: path.join(tmp, 'cache-hf-offline'),
        HF_HUB_OFFLINE: '1',
      };
      await assert.rejects(loadNode('org/bin', { env: liveEnv }), /cannot reach .* offline\?/);
      assert.deepEqual(live.requests, []);
    } finally {
      await live.close();
    }
    // --refresh while offline still falls back to the cache.
    await withModel(loadNode('org/bin', { env, refresh: true }), (m) => assert.equal(m.info.weightsHash, hash));
    // The tokenizer alone, offline, too.
    assert.equal((await loadTokenizerNode('org/bin', { env })).encode('hi').inputIds[0], 101);
    await assert.rejects(
      loadNode('org/st', { env }),
      /cannot reach http:\/\/127\.0\.0\.1:\d+ — offline\? set HF_ENDPOINT .*local folder/,
    );
  },
);

test('unknown model → "not found, check the id"; a missing local folder → usage error', { skip }, async () => {
  await assert.rejects(load('org/nope', { endpoint: hub.endpoint, cache: false }), (e: unknown) => {
    assert.ok(e instanceof HubError);
    assert.equal(e.code, 'NOT_FOUND');
    assert.match(
      e.message,
      /model org\/nope not found at http:\/\/127\.0\.0\.1:\d+ — check the id, or that it is public/,
    );
    return true;
  });
  await assert.rejects(
    loadNode('./no/such/folder', { cache: false }),
    /model folder \.\/no\/such\/folder does not exist/,
  );
  await assert.rejects(load('not a valid id!', { cache: false }), /neither a hub model id nor an existing folder/);
});

test('a local folder loads without the network; a folder without weights says what is missing', { skip }, async () => {
  await withModel(loadNode(dirs.sharded, { cache: false, env: { HF_ENDPOINT: 'http://127.0.0.1:9' } }), (m) => {
    assert.equal(m.info.source, dirs.sharded);
    assert.equal(m.info.revision, undefined);
    assert.equal(m.info.weightsFormat, 'safetensors-sharded');
  });
  const empty = path.join(tmp, 'no-weights');
  await mkdir(empty);
  await writeFile(path.join(empty, 'config.json'), await readFile(path.join(dirs.st, 'config.json')));
  await assert.rejects(
    loadNode(empty, { cache: false }),
    /has no weights file — looked for model\.safetensors, model\.safetensors\.index\.json, pytorch_model\.bin, pytorch_model\.bin\.index\.json, model\.json/,
  );
});

test(
  'sentence-transformers modules.json + 1_Pooling: default pooling cls, normalize (hub and local)',
  { skip },
  async () => {
    await withModel(load('org/st-model', { endpoint: hub.endpoint, cache: createMemoryCache() }), (m) => {
      assert.equal(m.info.defaultPooling, 'cls');
      assert.equal(m.info.normalize, true);
    });
    await withModel(loadNode(dirs['st-model'], { cache: false }), (m) => {
      assert.equal(m.info.defaultPooling, 'cls');
      assert.equal(m.info.normalize, true);
      assert.deepEqual(m.info.warnings, []);
    });
    // A pooling mode we do not implement is reported, not silently replaced.
    const maxDir = path.join(tmp, 'st-max');
    await cp(dirs['st-model'], maxDir, { recursive: true });
    await writeFile(
      path.join(maxDir, '1_Pooling', 'config.json'),
      JSON.stringify({ pooling_mode_cls_token: false, pooling_mode_mean_tokens: false, pooling_mode_max_tokens: true }),
    );
    await withModel(loadNode(maxDir, { cache: false }), (m) => {
      assert.equal(m.info.defaultPooling, 'mean');
      assert.match(m.info.warnings?.[0] ?? '', /pooling "max_tokens" is not implemented; mean pooling/);
    });
  },
);
