import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadTokenizerNode } from '@browser-bert/core/node';
import { makeBertCheckpoint } from '../../../core/test-support/fixtures';
import { startHubServer, type HubServer } from '../../../core/test-support/hub-server';
import { skipUnlessShared } from '../../../core/test-support/shared';
import { runCli } from '../../test-support/run-cli';

const skip = skipUnlessShared('data/bert-base-uncased/vocab.txt');
let tmp: string;
let dir: string;
let hub: HubServer;

before(async () => {
  if (skip) return;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-tok-'));
  dir = path.join(tmp, 'tiny');
  await makeBertCheckpoint(dir, { shape: { hidden: 32, layers: 1, heads: 2, intermediate: 64 }, seed: 3 });
  hub = await startHubServer({ 'google/tiny@main': dir });
});
after(async () => {
  if (skip) return;
  await hub.close();
  await rm(tmp, { recursive: true, force: true });
});

const TEXTS = ['Hello, World!', 'Free entry in 2 a wkly comp to win FA Cup final tkts', '', 'naïve café'];

test('tokenize: one JSON line per stdin line, HF ids, unpadded, --max-length truncates', { skip }, async () => {
  const r = await runCli(['tokenize', '--model', dir], TEXTS.join('\n') + '\n');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number[]>);
  assert.equal(lines.length, TEXTS.length);
  // Known bert-base-uncased ids (HF BertTokenizer): hello=7592 ,=1010 world=2088 !=999.
  assert.deepEqual(lines[0], {
    input_ids: [101, 7592, 1010, 2088, 999, 102],
    token_type_ids: [0, 0, 0, 0, 0, 0],
    attention_mask: [1, 1, 1, 1, 1, 1],
  });
  assert.deepEqual(lines[2]!.input_ids, [101, 102], 'an empty line is [CLS] [SEP]');
  const tok = await loadTokenizerNode(dir, { cache: false });
  TEXTS.forEach((t, i) => assert.deepEqual(lines[i]!.input_ids, [...tok.encode(t).inputIds]));
  assert.ok(
    lines.every((l) => l.input_ids!.length === l.attention_mask!.length && l.attention_mask!.every((m) => m === 1)),
  );

  const short = await runCli(['tokenize', '--model', dir, '--max-length', '5'], TEXTS[1]!);
  const ids = (JSON.parse(short.stdout) as { input_ids: number[] }).input_ids;
  assert.equal(ids.length, 5);
  assert.equal(ids[4], 102, 'truncation keeps [SEP]');
});

test(
  'tokenize from the hub (HF_ENDPOINT) reads no weights; bad options exit non-zero with one helpful line',
  { skip },
  async () => {
    hub.requests.length = 0;
    const env = { HF_ENDPOINT: hub.endpoint, BROWSER_BERT_CACHE: path.join(tmp, 'cache') };
    const r = await runCli(['tokenize', '--model', 'google/tiny'], 'Hello, World!\n', env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { input_ids: number[] }).input_ids, [101, 7592, 1010, 2088, 999, 102]);
    assert.ok(!hub.requests.some((p) => /model\.safetensors|pytorch_model/.test(p)), hub.requests.join(' '));

    const tooLong = await runCli(['tokenize', '--model', dir, '--max-length', '100000'], 'x\n');
    assert.equal(tooLong.code, 2);
    assert.match(
      tooLong.stderr,
      /^browser-bert tokenize: --max-length 100000 exceeds this model's limit of 512 tokens — use --max-length 512 or less\n$/,
    );
    const noModel = await runCli(['tokenize'], 'x\n');
    assert.equal(noModel.code, 2);
    assert.match(noModel.stderr, /--model is required/);
    const missing = await runCli(['tokenize', '--model', 'google/nope'], 'x\n', env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^browser-bert tokenize: model google\/nope not found .*check the id/);
    assert.equal(missing.stderr.split('\n').filter(Boolean).length, 1);
  },
);
