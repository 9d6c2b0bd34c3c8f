import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { embedTexts } from '@browser-bert/core';
import { initNodeBackend, loadNode } from '@browser-bert/core/node';
import type { LoadedModel } from '@browser-bert/core';
import { makeBertCheckpoint } from '../../../core/test-support/fixtures';
import { skipUnlessShared } from '../../../core/test-support/shared';
import { runCli } from '../../test-support/run-cli';

const skip = skipUnlessShared('data/bert-base-uncased/vocab.txt');
let tmp: string;
let dir: string;
let model: LoadedModel;

const TEXTS = [
  'Hello, World!',
  'Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005.',
  'Ok lar... Joking wif u oni...',
  'U dun say so early hor... U c already then say...',
  'Nah',
];

before(async () => {
  if (skip) return;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-embed-'));
  dir = path.join(tmp, 'bert-tiny');
  await makeBertCheckpoint(dir, { shape: 'bert-tiny', seed: 11 });
  await initNodeBackend('wasm');
  model = await loadNode(dir, { cache: false });
});
after(async () => {
  if (skip) return;
  model.dispose();
  await rm(tmp, { recursive: true, force: true });
});

const parse = <T>(stdout: string): T[] =>
  stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as T);

for (const pooling of ['mean', 'cls', 'pooler'] as const) {
  test(`embed --pooling ${pooling}: one {"embedding"} line per text, equal to embedTexts`, { skip }, async () => {
    const r = await runCli(
      ['embed', '--model', dir, '--pooling', pooling, '--batch-size', '2'],
      TEXTS.join('\n') + '\n',
    );
    assert.equal(r.code, 0, r.stderr);
    const rows = parse<{ embedding: number[] }>(r.stdout);
    assert.equal(rows.length, TEXTS.length);
    const ref = await embedTexts(model.encoder, model.tokenizer.encodeBatch(TEXTS), { pooling, batchSize: 2 });
    rows.forEach((row, i) => {
      assert.equal(row.embedding.length, 128);
      // Same backend, same batches: the JSON carries the float32 values exactly.
      assert.deepEqual(
        Float32Array.from(row.embedding),
        ref.data.subarray(i * ref.dim, (i + 1) * ref.dim),
        `text ${i}`,
      );
    });
    assert.match(r.stderr, /random-init test checkpoint/);
  });
}

test(
  'embed --pooling none: per-token rows for real tokens only, equal to an unpadded forward of each text',
  { skip },
  async () => {
    const r = await runCli(['embed', '--model', dir, '--pooling', 'none', '--backend', 'cpu'], TEXTS.join('\n') + '\n');
    assert.equal(r.code, 0, r.stderr);
    const rows = parse<{ last_hidden_state: number[][] }>(r.stdout);
    assert.equal(rows.length, TEXTS.length);
    await initNodeBackend('wasm');
    TEXTS.forEach((text, i) => {
      const ids = model.tokenizer.encode(text).inputIds;
      assert.equal(rows[i]!.last_hidden_state.length, ids.length, `text ${i}: one row per real token`);
      const alone = tf.tidy(() =>
        model.encoder
          .forward({
            batchSize: 1,
            seqLen: ids.length,
            inputIds: ids,
            tokenTypeIds: new Int32Array(ids.length),
            attentionMask: new Int32Array(ids.length).fill(1),
          })
          .lastHiddenState.arraySync(),
      )[0]!;
      let maxDiff = 0;
      rows[i]!.last_hidden_state.forEach((tok, t) => {
        assert.equal(tok.length, 128);
        tok.forEach((v, h) => (maxDiff = Math.max(maxDiff, Math.abs(v - alone[t]![h]!))));
      });
      assert.ok(maxDiff < 1e-4, `text ${i}: max |Δ| ${maxDiff} (cpu CLI vs wasm, padded vs alone)`);
    });
  },
);

test('embed: bad options exit 2 with one line that names the allowed values', { skip }, async () => {
  const bad = await runCli(['embed', '--model', dir, '--pooling', 'max'], 'x\n');
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'browser-bert embed: --pooling must be one of cls|mean|pooler|none, got "max"\n');
  const batch = await runCli(['embed', '--model', dir, '--batch-size', '0'], 'x\n');
  assert.equal(batch.code, 2);
  assert.match(batch.stderr, /--batch-size must be an integer from 1 to 4096, got "0"/);
  const backend = await runCli(['embed', '--model', dir, '--backend', 'gpu'], 'x\n');
  assert.equal(backend.code, 2);
  assert.match(backend.stderr, /--backend must be one of wasm\|cpu/);
});
