/**
 * load() end to end against a loopback hub serving generated HF-layout checkpoints at /{repo}/resolve/{rev}/{file}.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { HubError } from '../errors';
import { initNodeBackend } from '../node';
import { makeBertCheckpoint } from '../../test-support/fixtures';
import { startHubServer, type HubServer } from '../../test-support/hub-server';
import { skipUnlessShared } from '../../test-support/shared';
import { readSafetensors, writeTfjsBundle, writeTorchZip } from '../weights';
import { createMemoryCache, listCachedModels } from './cache';
import { createFilesSource } from './local-files';
import { load, loadFromFiles } from './load';
import { createFolderCache } from './node-cache';
import { loadNode, loadTokenizerNode } from './node-load';
import type { FileProgress, LoadedModel } from './types';

const skip = skipUnlessShared('data/bert-base-uncased/vocab.txt');
// Small and quick: bert-tiny's layout with a 2,000-word vocab and hidden 32.
const SHAPE = { hidden: 32, layers: 2, heads: 2, intermediate: 64, vocab: 2000 };

let tmp: string;
let hub: HubServer;
const dirs: Record<string, string> = {};

const sha256 = (b: Uint8Array | Buffer) => createHash('sha256').update(b).digest('hex');

before(async () => {
  if (skip) return;
  await initNodeBackend('cpu');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-load-'));
  const make = async (name: string, formats: ('safetensors' | 'safetensors-sharded' | 'bin')[]) => {
    dirs[name] = path.join(tmp, name);
    await makeBertCheckpoint(dirs[name], { shape: SHAPE, formats, seed: 7 });
  };
  await make('st', ['safetensors']);
  await make('bin', ['bin']);
  await make('sharded', ['safetensors-sharded']);
  await make('st-model', ['safetensors']);
  // A checkpoint that does not carry the fixture marker in config.json (bin: no safetensors metadata either).
  await make('plain', ['bin']);
  const cfg = JSON.parse(await readFile(path.join(dirs.plain!, 'config.json'), 'utf8')) as Record<string, unknown>;
  delete cfg.browser_bert_fixture;
  await writeFile(path.join(dirs.plain!, 'config.json'), JSON.stringify(cfg));
  // sentence-transformers layout: CLS pooling + Normalize.
  await writeFile(
    path.join(dirs['st-model']!, 'modules.json'),
    JSON.stringify([
      { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
      { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
      { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
    ]),
  );
  await mkdir(path.join(dirs['st-model']!, '1_Pooling'));
  await writeFile(
    path.join(dirs['st-model']!, '1_Pooling', 'config.json'),
    JSON.stringify({ word_embedding_dimension: 32, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }),
  );
  hub = await startHubServer({
    'org/st@main': dirs.st!,
    'org/bin@main': dirs.bin!,
    'org/sharded@main': dirs.sharded!,
    'org/st-model@main': dirs['st-model']!,
    'org/plain@v1.0': dirs.plain!,
  });
});
after(async () => {
  if (skip) return;
  await hub.close();
  await rm(tmp, { recursive: true, force: true });
});

async function withModel<T>(p: Promise<LoadedModel>, f: (m: LoadedModel) => T | Promise<T>): Promise<T> {
  const m = await p;
  try {
    return await f(m);
  } finally {
    m.dispose();
  }
}

function weightsOf(m: LoadedModel): Map<string, Float32Array> {
  return new Map([...m.encoder.variables].map(([k, v]) => [k, v.dataSync() as Float32Array]));
}

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
        assert.equal(m.info.weightsHash, sha256(await readFile(path.join(dirs.st!, 'model.safetensors'))));
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
      await Promise.all(names.map(async (n) => `${sha256(await readFile(path.join(dirs.sharded!, n)))}  ${n}\n`))
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
    const local = await startHubServer({ 'org/bin@main': dirs.bin! });
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
    const live = await startHubServer({ 'org/bin@main': dirs.bin! });
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
  await withModel(loadNode(dirs.sharded!, { cache: false, env: { HF_ENDPOINT: 'http://127.0.0.1:9' } }), (m) => {
    assert.equal(m.info.source, dirs.sharded);
    assert.equal(m.info.revision, undefined);
    assert.equal(m.info.weightsFormat, 'safetensors-sharded');
  });
  const empty = path.join(tmp, 'no-weights');
  await mkdir(empty);
  await writeFile(path.join(empty, 'config.json'), await readFile(path.join(dirs.st!, 'config.json')));
  await assert.rejects(
    loadNode(empty, { cache: false }),
    /has no weights file — looked for model\.safetensors, model\.safetensors\.index\.json, pytorch_model\.bin, pytorch_model\.bin\.index\.json, model\.json/,
  );
});

test(
  'a TF.js weights bundle folder (model.json + shards, as convert writes) loads with the same weights',
  { skip },
  async () => {
    const bundleDir = path.join(tmp, 'bundle');
    await mkdir(bundleDir);
    for (const f of ['config.json', 'vocab.txt', 'tokenizer_config.json']) {
      await writeFile(path.join(bundleDir, f), await readFile(path.join(dirs.st!, f)));
    }
    const st = readSafetensors(new Uint8Array(await readFile(path.join(dirs.st!, 'model.safetensors'))));
    const bundle = writeTfjsBundle(st.tensors, { shardBytes: 100_000 });
    assert.ok(bundle.shards.length > 1, 'several shards');
    const modelJson = { format: 'browser-bert-weights', weightsManifest: bundle.manifest };
    await writeFile(path.join(bundleDir, 'model.json'), JSON.stringify(modelJson));
    const paths = bundle.manifest[0]!.paths;
    await Promise.all(bundle.shards.map((b, i) => writeFile(path.join(bundleDir, paths[i]!), b)));
    const a = await loadNode(dirs.st!, { cache: false });
    try {
      await withModel(loadNode(bundleDir, { cache: false }), (m) => {
        assert.equal(m.info.weightsFormat, 'tfjs-bundle');
        const wa = weightsOf(a);
        for (const [k, v] of weightsOf(m)) assert.deepEqual(v, wa.get(k), k);
      });
    } finally {
      a.dispose();
    }
    await rm(path.join(bundleDir, paths[1]!));
    await assert.rejects(loadNode(bundleDir, { cache: false }), (e: unknown) => {
      assert.ok(e instanceof HubError);
      assert.ok(e.message.includes(`has no ${paths[1]}`), e.message);
      return true;
    });
  },
);

test(
  'sentence-transformers modules.json + 1_Pooling: default pooling cls, normalize (hub and local)',
  { skip },
  async () => {
    await withModel(load('org/st-model', { endpoint: hub.endpoint, cache: createMemoryCache() }), (m) => {
      assert.equal(m.info.defaultPooling, 'cls');
      assert.equal(m.info.normalize, true);
    });
    await withModel(loadNode(dirs['st-model']!, { cache: false }), (m) => {
      assert.equal(m.info.defaultPooling, 'cls');
      assert.equal(m.info.normalize, true);
      assert.deepEqual(m.info.warnings, []);
    });
    // A pooling mode we do not implement is reported, not silently replaced.
    const maxDir = path.join(tmp, 'st-max');
    await cp(dirs['st-model']!, maxDir, { recursive: true });
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

test(
  'browser-picked files: folder picker paths (incl. 1_Pooling/config.json) and loose dropped files',
  { skip },
  async () => {
    const names = [
      'config.json',
      'vocab.txt',
      'tokenizer_config.json',
      'model.safetensors',
      'modules.json',
      '1_Pooling/config.json',
    ];
    const picked = await Promise.all(
      names.map(async (n) => {
        const f = new File([await readFile(path.join(dirs['st-model']!, n))], path.basename(n));
        Object.defineProperty(f, 'webkitRelativePath', { value: `my-model/${n}` });
        return f;
      }),
    );
    await withModel(loadFromFiles(createFilesSource(picked)), (m) => {
      assert.equal(m.info.source, 'local files');
      assert.equal(m.info.defaultPooling, 'cls');
      assert.equal(m.config.hiddenSize, 32, 'config.json is the top-level one, not 1_Pooling/config.json');
    });
    const loose = picked.slice(0, 4).map((f) => new File([f], f.name));
    await withModel(load({ files: loose }), (m) => assert.equal(m.info.weightsFormat, 'safetensors'));
  },
);

test(
  'a model folder on a plain web server (URL source): loads, caches, lists as one model, works offline',
  { skip },
  async () => {
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const rel = decodeURIComponent((req.url ?? '').replace(/^\/models\/st-model\//, ''));
      readFile(path.join(dirs['st-model']!, ...rel.split('/')))
        .then((b) => res.writeHead(200, { 'content-length': String(b.length) }).end(b))
        .catch(() => res.writeHead(404).end('not found'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/st-model/`;
    const cacheDir = path.join(tmp, 'cache-url');
    const env = { BROWSER_BERT_CACHE: cacheDir };
    try {
      await withModel(loadNode(base, { env }), (m) => {
        assert.equal(m.info.source, base.replace(/\/$/, ''));
        assert.equal(m.info.revision, undefined);
        assert.equal(m.info.defaultPooling, 'cls', '1_Pooling/config.json fetched from the subfolder');
      });
      assert.ok(requests.includes('/models/st-model/model.safetensors'));
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    const models = await listCachedModels(createFolderCache(cacheDir));
    assert.equal(models.length, 1, JSON.stringify(models.map((m) => m.files.map((f) => f.key))));
    assert.equal(models[0]!.repo, 'models/st-model');
    await withModel(loadNode(base, { env }), (m) => assert.equal(m.info.defaultPooling, 'cls'));
  },
);

test(
  'sharded pytorch_model.bin (pytorch_model.bin.index.json + shards) loads with the same weights',
  { skip },
  async () => {
    const dir = path.join(tmp, 'bin-sharded');
    await mkdir(dir);
    for (const f of ['config.json', 'vocab.txt', 'tokenizer_config.json']) {
      await writeFile(path.join(dir, f), await readFile(path.join(dirs.st!, f)));
    }
    const st = readSafetensors(new Uint8Array(await readFile(path.join(dirs.st!, 'model.safetensors'))));
    const all = [...st.tensors.values()];
    const halves = [all.slice(0, 7), all.slice(7)];
    const weightMap: Record<string, string> = {};
    for (const [i, part] of halves.entries()) {
      const name = `pytorch_model-0000${i + 1}-of-00002.bin`;
      for (const t of part) weightMap[t.name] = name;
      await writeFile(path.join(dir, name), writeTorchZip(part));
    }
    await writeFile(
      path.join(dir, 'pytorch_model.bin.index.json'),
      JSON.stringify({ metadata: {}, weight_map: weightMap }),
    );
    const server = await startHubServer({ 'org/bin-sharded@main': dir });
    const ref = await loadNode(dirs.st!, { cache: false });
    try {
      await withModel(load('org/bin-sharded', { endpoint: server.endpoint, cache: false }), (m) => {
        assert.equal(m.info.weightsFormat, 'torch-zip');
        const a = weightsOf(ref);
        for (const [k, v] of weightsOf(m)) assert.deepEqual(v, a.get(k), k);
      });
      assert.ok(server.requests.includes('/org/bin-sharded/resolve/main/pytorch_model-00002-of-00002.bin'));
    } finally {
      ref.dispose();
      await server.close();
    }
  },
);
