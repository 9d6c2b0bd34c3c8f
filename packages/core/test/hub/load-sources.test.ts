/** load() on other model sources and weights layouts: TF.js bundles, sharded .bin, URL folders, browser-picked files. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { HubError } from '../../src/errors';
import { initNodeBackend } from '../../src/node';
import { makeLoadFixtures, weightsOf, withModel, type LoadFixture } from '../../test-support/hub-fixtures';
import { startHubServer } from '../../test-support/hub-server';
import { skipUnlessShared } from '../../test-support/shared';
import { readSafetensors, writeTfjsBundle, writeTorchZip } from '../../src/weights';
import { listCachedModels } from '../../src/hub/cache';
import { createFilesSource } from '../../src/hub/local-files';
import { load, loadFromFiles } from '../../src/hub/load';
import { createFolderCache } from '../../src/hub/node-cache';
import { loadNode } from '../../src/hub/node-load';

const skip = skipUnlessShared('data/bert-base-uncased/vocab.txt');

let tmp: string;
let dirs: Record<LoadFixture, string>;

before(async () => {
  if (skip) return;
  await initNodeBackend('cpu');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-load-formats-'));
  dirs = await makeLoadFixtures(tmp, ['st', 'st-model']);
});
after(async () => {
  if (skip) return;
  await rm(tmp, { recursive: true, force: true });
});

test(
  'a TF.js weights bundle folder (model.json + shards, as convert writes) loads with the same weights',
  { skip },
  async () => {
    const bundleDir = path.join(tmp, 'bundle');
    await mkdir(bundleDir);
    for (const f of ['config.json', 'vocab.txt', 'tokenizer_config.json']) {
      await writeFile(path.join(bundleDir, f), await readFile(path.join(dirs.st, f)));
    }
    const st = readSafetensors(new Uint8Array(await readFile(path.join(dirs.st, 'model.safetensors'))));
    const bundle = writeTfjsBundle(st.tensors, { shardBytes: 100_000 });
    assert.ok(bundle.shards.length > 1, 'several shards');
    const modelJson = { format: 'browser-bert-weights', weightsManifest: bundle.manifest };
    await writeFile(path.join(bundleDir, 'model.json'), JSON.stringify(modelJson));
    const paths = bundle.manifest[0]!.paths;
    await Promise.all(bundle.shards.map((b, i) => writeFile(path.join(bundleDir, paths[i]!), b)));
    const a = await loadNode(dirs.st, { cache: false });
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
        const f = new File([await readFile(path.join(dirs['st-model'], n))], path.basename(n));
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
      readFile(path.join(dirs['st-model'], ...rel.split('/')))
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
      await writeFile(path.join(dir, f), await readFile(path.join(dirs.st, f)));
    }
    const st = readSafetensors(new Uint8Array(await readFile(path.join(dirs.st, 'model.safetensors'))));
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
    const ref = await loadNode(dirs.st, { cache: false });
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

/**
 * A folder like the tutorial's export: a TF.js graph model (model.json "graph-model" + shard) with inputs input_ids,
 * token_type_ids, attention_mask, plus vocab.txt — no config.json. The hand-built graph computes
 * last_hidden_state = word_embedding[input_ids] × attention_mask, so the expected rows are known independently.
 */
async function writeGraphModelFolder(dir: string, vocabFrom: string): Promise<{ word: Float32Array; H: number }> {
  const H = 8;
  const vocab = (await readFile(path.join(vocabFrom, 'vocab.txt'), 'utf8')).split('\n').filter((l) => l !== '');
  const V = vocab.length;
  const word = Float32Array.from({ length: V * H }, (_, i) => Math.sin(i * 0.37));
  const dims = (...d: number[]) => ({ dim: d.map((size) => ({ size: String(size) })) });
  const T = (type: string) => ({ type });
  const ints = Int32Array.from([0, -1]);
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'browser-bert test',
    convertedBy: 'hand-written in tensorflowjs_converter format',
    signature: {
      inputs: Object.fromEntries(
        ['input_ids', 'token_type_ids', 'attention_mask'].map((n) => [
          n,
          { name: `${n}:0`, dtype: 'DT_INT32', tensorShape: dims(-1, -1) },
        ]),
      ),
      outputs: { last_hidden_state: { name: 'out:0', dtype: 'DT_FLOAT', tensorShape: dims(-1, -1, H) } },
    },
    modelTopology: {
      node: [
        ...['input_ids', 'token_type_ids', 'attention_mask'].map((name) => ({
          name,
          op: 'Placeholder',
          attr: { dtype: T('DT_INT32'), shape: { shape: dims(-1, -1) } },
        })),
        {
          name: 'word',
          op: 'Const',
          attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(V, H) } }, dtype: T('DT_FLOAT') },
        },
        {
          name: 'axis',
          op: 'Const',
          attr: { value: { tensor: { dtype: 'DT_INT32', tensorShape: dims() } }, dtype: T('DT_INT32') },
        },
        {
          name: 'expand_dim',
          op: 'Const',
          attr: { value: { tensor: { dtype: 'DT_INT32', tensorShape: dims() } }, dtype: T('DT_INT32') },
        },
        {
          name: 'g_word',
          op: 'GatherV2',
          input: ['word', 'input_ids', 'axis'],
          attr: { Tparams: T('DT_FLOAT'), Tindices: T('DT_INT32'), Taxis: T('DT_INT32'), batch_dims: { i: '0' } },
        },
        { name: 'maskf', op: 'Cast', input: ['attention_mask'], attr: { SrcT: T('DT_INT32'), DstT: T('DT_FLOAT') } },
        {
          name: 'mask3',
          op: 'ExpandDims',
          input: ['maskf', 'expand_dim'],
          attr: { T: T('DT_FLOAT'), Tdim: T('DT_INT32') },
        },
        { name: 'out', op: 'Mul', input: ['g_word', 'mask3'], attr: { T: T('DT_FLOAT') } },
      ],
      versions: { producer: 1 },
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'word', shape: [V, H], dtype: 'float32' },
          { name: 'axis', shape: [], dtype: 'int32' },
          { name: 'expand_dim', shape: [], dtype: 'int32' },
        ],
      },
    ],
  };
  await mkdir(dir);
  const shard = new Uint8Array(word.byteLength + ints.byteLength);
  shard.set(new Uint8Array(word.buffer), 0);
  shard.set(new Uint8Array(ints.buffer), word.byteLength);
  await writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson));
  await writeFile(path.join(dir, 'group1-shard1of1.bin'), shard);
  await writeFile(path.join(dir, 'vocab.txt'), vocab.join('\n') + '\n');
  await writeFile(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true }));
  return { word, H };
}

test('the tutorial-style TF.js graph model folder (no config.json) loads as a frozen encoder', { skip }, async () => {
  const dir = path.join(tmp, 'graph');
  const { word, H } = await writeGraphModelFolder(dir, dirs.st);
  await withModel(loadNode(dir, { cache: false }), (m) => {
    assert.equal(m.info.weightsFormat, 'tfjs-graph');
    assert.equal(m.info.randomInit, false);
    assert.equal(m.config.hiddenSize, H);
    assert.equal(m.encoder.variables.size, 0, 'frozen: no variables');
    const ids = m.tokenizer.encode('hello world').inputIds;
    assert.equal(ids[0], 101);
    const out = m.encoder.forward({
      batchSize: 1,
      seqLen: ids.length + 1,
      inputIds: Int32Array.from([...ids, 0]),
      tokenTypeIds: new Int32Array(ids.length + 1),
      attentionMask: Int32Array.from([...ids.map(() => 1), 0]),
    });
    const got = out.lastHiddenState.dataSync();
    out.lastHiddenState.dispose();
    out.poolerOutput?.dispose();
    ids.forEach((id, t) =>
      assert.deepEqual(got.slice(t * H, (t + 1) * H), word.slice(id * H, (id + 1) * H), `token ${t}`),
    );
    assert.ok(
      got.slice(ids.length * H).every((v) => v === 0),
      'the padded position is masked',
    );
  });
  await rm(path.join(dir, 'vocab.txt'));
  await assert.rejects(loadNode(dir, { cache: false }), /has no vocab\.txt \(nor tokenizer\.json\)/);
});
