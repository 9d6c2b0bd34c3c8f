/**
 * The path policy on model sources (folder, URL folder, hub): names found inside a model's files — modules.json's
 * Pooling path, sharded index shard names, TF.js manifest paths — never make the loader read or request anything
 * outside the model. The outside files here are real and readable, so a loader that followed a name would succeed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UnsafePathError } from '../../src/errors';
import { load } from '../../src/load/model';
import { initNodeBackend, loadNode } from '../../src/node';
import { makeBertCheckpoint } from '../../test-support/fixtures';
import { SMALL_SHAPE, withModel } from '../../test-support/hub-fixtures';
import { startHubServer, type HubServer } from '../../test-support/hub-server';

let tmp = '';
let st = '';
let sharded = '';
let server: HubServer;

const modules = (poolingPath: string) =>
  JSON.stringify([
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: poolingPath, type: 'sentence_transformers.models.Pooling' },
  ]);
const isUnsafe = (re: RegExp) => (e: unknown) => e instanceof UnsafePathError && re.test(e.message) && e.hint !== '';

before(async () => {
  await initNodeBackend('wasm');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-model-paths-'));
  st = path.join(tmp, 'st');
  sharded = path.join(tmp, 'sharded');
  await makeBertCheckpoint(st, { shape: SMALL_SHAPE, seed: 7 });
  await makeBertCheckpoint(sharded, { shape: SMALL_SHAPE, seed: 7, formats: ['safetensors-sharded'] });
  // A readable pooling config OUTSIDE the model folders: following "../pool" would switch pooling to CLS.
  await mkdir(path.join(tmp, 'pool'));
  await writeFile(path.join(tmp, 'pool', 'config.json'), JSON.stringify({ pooling_mode_cls_token: true }));
  await mkdir(path.join(tmp, 'other', 'pool'), { recursive: true });
  await writeFile(path.join(tmp, 'other', 'pool', 'config.json'), JSON.stringify({ pooling_mode_cls_token: true }));
  server = await startHubServer({ 'org/other@main': path.join(tmp, 'other') });
});
after(async () => {
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('folder: modules.json naming a Pooling folder outside the model is refused (and a plain one still works)', async () => {
  const dir = path.join(tmp, 'st-evil');
  await cp(st, dir, { recursive: true });
  await writeFile(path.join(dir, 'modules.json'), modules('1_Pooling'));
  await mkdir(path.join(dir, '1_Pooling'));
  await writeFile(path.join(dir, '1_Pooling', 'config.json'), JSON.stringify({ pooling_mode_cls_token: true }));
  await withModel(loadNode(dir, { cache: false }), (m) => assert.equal(m.info.defaultPooling, 'cls'));
  for (const p of ['../pool', path.join(tmp, 'pool'), '1_Pooling/../../pool', '..\\pool']) {
    await writeFile(path.join(dir, 'modules.json'), modules(p));
    await assert.rejects(loadNode(dir, { cache: false }), isUnsafe(/modules\.json/), p);
  }
});

test('folder: sharded index and TF.js manifest names outside the model are refused', async () => {
  const dir = path.join(tmp, 'sharded-evil');
  await cp(sharded, dir, { recursive: true });
  const indexFile = path.join(dir, 'model.safetensors.index.json');
  const index = JSON.parse(await readFile(indexFile, 'utf8')) as { weight_map: Record<string, string> };
  const first = Object.keys(index.weight_map)[0]!;
  await cp(path.join(dir, index.weight_map[first]!), path.join(tmp, 'outside.safetensors'));
  for (const name of [
    '../outside.safetensors',
    path.join(tmp, 'outside.safetensors'),
    'sub/../../outside.safetensors',
  ]) {
    index.weight_map[first] = name;
    await writeFile(indexFile, JSON.stringify(index));
    await assert.rejects(loadNode(dir, { cache: false }), isUnsafe(/sharded checkpoint index/), name);
  }
  const tfjs = path.join(tmp, 'tfjs-evil');
  await mkdir(tfjs);
  for (const f of ['config.json', 'vocab.txt', 'tokenizer_config.json']) await cp(path.join(st, f), path.join(tfjs, f));
  await writeFile(
    path.join(tfjs, 'model.json'),
    JSON.stringify({ format: 'layers-model', weightsManifest: [{ paths: ['../outside.safetensors'], weights: [] }] }),
  );
  await assert.rejects(loadNode(tfjs, { cache: false }), isUnsafe(/TF\.js model\.json/));
});

test('hub and URL folders: a model never makes the loader request anything outside its repo folder', async () => {
  const dir = path.join(tmp, 'hub-evil');
  await cp(st, dir, { recursive: true });
  server.repos.set('org/model@main', dir);
  const inside = (r: string) => r.startsWith('/org/model/resolve/main/');
  // Joined without the policy, each of these reaches /org/other/resolve/main/pool/config.json.
  for (const p of ['../../../other/resolve/main/pool', '%2e%2e/%2e%2e/%2e%2e/other/resolve/main/pool']) {
    await writeFile(path.join(dir, 'modules.json'), modules(p));
    server.requests.length = 0;
    await assert.rejects(load('org/model', { endpoint: server.endpoint, cache: false }), isUnsafe(/modules\.json/), p);
    assert.ok(server.requests.length > 0 && server.requests.every(inside), server.requests.join(' '));
    server.requests.length = 0;
    await assert.rejects(
      load(`${server.endpoint}/org/model/resolve/main/`, { cache: false }),
      isUnsafe(/modules\.json/),
      p,
    );
    assert.ok(server.requests.length > 0 && server.requests.every(inside), server.requests.join(' '));
  }
});
