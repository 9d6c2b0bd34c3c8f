import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { embedTexts } from '@browser-bert/core';
import { initNodeBackend, loadNode } from '@browser-bert/core/node';
import { makeBertCheckpoint } from '../../../core/test-support/fixtures';
import { skipUnlessShared } from '../../../core/test-support/shared';
import { runCli } from '../../test-support/run-cli';

const skip = skipUnlessShared('data/bert-base-uncased/vocab.txt');
let tmp = '';
let modelDir = '';
const TEXTS = ['Free entry in 2 a wkly comp to win FA Cup final tkts', 'Ok lar... Joking wif u oni...', 'Nah'];

before(async () => {
  if (skip) return;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-cli-convert-'));
  modelDir = path.join(tmp, 'bert-tiny');
  await makeBertCheckpoint(modelDir, { shape: 'bert-tiny', seed: 5 });
  await initNodeBackend('wasm');
});
after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function embeddings(dir: string): Promise<{ data: Float32Array; randomInit: boolean; format: string }> {
  const m = await loadNode(dir, { cache: false });
  try {
    const { data } = await embedTexts(m.encoder, m.tokenizer.encodeBatch(TEXTS), { pooling: 'mean' });
    return { data, randomInit: m.info.randomInit, format: m.info.weightsFormat };
  } finally {
    m.dispose();
  }
}

test(
  'convert writes a TF.js bundle that loads and gives the same embeddings (float32 exact, float16 close)',
  { skip },
  async () => {
    const ref = await embeddings(modelDir);
    for (const dtype of ['float32', 'float16'] as const) {
      const out = path.join(tmp, `conv-${dtype}`);
      const r = await runCli(['convert', '--model', modelDir, '--out', out, '--dtype', dtype], '');
      assert.equal(r.code, 0, r.stderr);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read back from disk
      const json = JSON.parse(await readFile(path.join(out, 'model.json'), 'utf8')) as Record<string, any>;
      assert.equal(json.format, 'browser-bert-encoder');
      assert.ok(Array.isArray(json.weightsManifest) && json.weightsManifest[0].paths.length >= 1);
      const got = await embeddings(out);
      assert.equal(got.format, 'tfjs-bundle');
      assert.equal(got.randomInit, true, 'the random-init label survives conversion');
      let maxDiff = 0;
      for (let i = 0; i < ref.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ref.data[i]! - got.data[i]!));
      if (dtype === 'float32') assert.equal(maxDiff, 0);
      else assert.ok(maxDiff > 0 && maxDiff < 2e-2, `float16 max |Δ| ${maxDiff}`);
    }
    const again = await runCli(['convert', '--model', modelDir, '--out', path.join(tmp, 'conv-float32')], '');
    assert.equal(again.code, 2);
    assert.match(again.stderr, /is not empty/);
  },
);
