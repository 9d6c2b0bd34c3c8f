import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import { parseBertConfig } from '../../src/config';
import { createBertEncoder } from '../../src/encoder';
import type { BertEncoder } from '../../src/encoder/types';
import { CancelledError } from '../../src/errors';
import type { Encoding } from '../../src/tokenizer/types';
import { prng, randomBertWeights, referenceForward } from '../../test-support/reference-bert';
import { embedTexts, encodeTexts } from '../../src/features/embed';
import { padBatch, planBatches } from '../../src/features/embed-batches';

const config = parseBertConfig({
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 64,
  vocab_size: 200,
  max_position_embeddings: 160,
});
const weights = randomBertWeights(config, { seed: 31 });
let encoder: BertEncoder;
const H = config.hiddenSize;

/** Random encodings of varied lengths (3…40), [CLS]=101 … [SEP]=102, some with a second segment. */
function encodings(n: number, seed = 5): Encoding[] {
  const r = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    const len = 3 + Math.floor(r() * 38);
    const ids = Int32Array.from({ length: len }, (_, t) =>
      t === 0 ? 101 : t === len - 1 ? 102 : 103 + Math.floor(r() * 97),
    );
    const types = Int32Array.from({ length: len }, (_, t) => (i % 3 === 0 && t > len / 2 ? 1 : 0));
    return { inputIds: ids, tokenTypeIds: types };
  });
}

before(async () => {
  await initNodeBackend('wasm');
  encoder = createBertEncoder(config, weights);
});

function refPooled(e: Encoding, kind: 'cls' | 'mean' | 'pooler', normalize = false): Float64Array {
  const r = referenceForward(config, weights, e.inputIds, e.tokenTypeIds);
  const T = e.inputIds.length;
  let v: Float64Array = new Float64Array(H);
  if (kind === 'cls') v = r.lastHiddenState.slice(0, H);
  else if (kind === 'pooler') v = r.poolerOutput!;
  else for (let t = 0; t < T; t++) for (let h = 0; h < H; h++) v[h]! += r.lastHiddenState[t * H + h]! / T;
  if (normalize) {
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    v = v.map((x) => x / norm);
  }
  return v;
}

for (const kind of ['mean', 'cls', 'pooler'] as const) {
  test(`embedTexts(${kind}): rows in input order and equal to the reference, across length buckets`, async () => {
    const encs = encodings(23);
    await embedTexts(encoder, encs.slice(0, 2), { pooling: kind }); // warm-up (resident fused weights)
    const before = tf.memory().numTensors;
    const progress: Array<[number, number]> = [];
    const { dim, data } = await embedTexts(encoder, encs, {
      pooling: kind,
      batchSize: 5,
      normalize: kind === 'mean',
      onProgress: (d, t) => progress.push([d, t]),
    });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(dim, H);
    assert.equal(data.length, 23 * H);
    let max = 0;
    encs.forEach((e, i) => {
      const ref = refPooled(e, kind, kind === 'mean');
      for (let h = 0; h < H; h++) max = Math.max(max, Math.abs(data[i * H + h]! - ref[h]!));
    });
    assert.ok(max <= 1e-4, `max |Δ| ${max}`);
    assert.deepEqual(progress[0], [0, 23]);
    assert.deepEqual(progress.at(-1), [23, 23]);
    assert.equal(progress.length, 1 + 5); // 23 texts in batches of ≤ 5
  });
}

test('planBatches: sorted by length, bounded by batchSize and maxTokensPerBatch, every index once', () => {
  const encs = encodings(50, 9);
  const batches = planBatches(encs, { batchSize: 8, maxTokensPerBatch: 100 });
  const seen = batches.flat().sort((a, b) => a - b);
  assert.deepEqual(
    seen,
    Array.from({ length: 50 }, (_, i) => i),
  );
  const lens = batches.flat().map((i) => encs[i]!.inputIds.length);
  assert.deepEqual(
    lens,
    [...lens].sort((a, b) => a - b),
  );
  for (const b of batches) {
    const longest = Math.max(...b.map((i) => encs[i]!.inputIds.length));
    assert.ok(b.length <= 8);
    assert.ok(b.length === 1 || b.length * longest <= 100);
  }
});

test('padBatch pads to the longest (or a fixed length) with the pad id and a 0/1 mask', () => {
  const encs: Encoding[] = [
    { inputIds: Int32Array.from([101, 7, 102]), tokenTypeIds: Int32Array.from([0, 0, 0]) },
    { inputIds: Int32Array.from([101, 102]), tokenTypeIds: Int32Array.from([0, 1]) },
  ];
  const b = padBatch(encs, [1, 0], undefined, 5);
  assert.equal(b.seqLen, 3);
  assert.deepEqual([...b.inputIds], [101, 102, 5, 101, 7, 102]);
  assert.deepEqual([...b.tokenTypeIds], [0, 1, 0, 0, 0, 0]);
  assert.deepEqual([...b.attentionMask], [1, 1, 0, 1, 1, 1]);
  assert.equal(padBatch(encs, [0], 8).seqLen, 8);
  assert.throws(() => padBatch(encs, [0], 2), /Cannot pad to 2 tokens: a text in the batch has 3/);
});

test("flatten: the tutorial's baseline, padded to exactly 128 tokens → 128×hidden features", async () => {
  const encs = encodings(4);
  const { dim, data } = await embedTexts(encoder, encs, { pooling: 'flatten' });
  assert.equal(dim, 128 * H);
  // Row 2 equals running that text alone padded to 128 (pads included, as the tutorial did).
  const alone = tf.tidy(() => encoder.forward(padBatch(encs, [2], 128)).lastHiddenState.dataSync());
  let max = 0;
  for (let k = 0; k < dim; k++) max = Math.max(max, Math.abs(data[2 * dim + k]! - alone[k]!));
  assert.ok(max <= 1e-5, `max |Δ| ${max}`);
  const ref = referenceForward(config, weights, encs[2]!.inputIds, encs[2]!.tokenTypeIds).lastHiddenState;
  for (let k = 0; k < encs[2]!.inputIds.length * H; k++) assert.ok(Math.abs(data[2 * dim + k]! - ref[k]!) <= 1e-4);
});

test('encodeTexts (pooling none): real-token rows only, in input order, equal to the reference', async () => {
  const encs = encodings(9, 12);
  const out = await encodeTexts(encoder, encs, { batchSize: 4 });
  assert.equal(out.length, 9);
  encs.forEach((e, i) => {
    assert.equal(out[i]!.length, e.inputIds.length * H);
    const ref = referenceForward(config, weights, e.inputIds, e.tokenTypeIds).lastHiddenState;
    const max = out[i]!.reduce((m, v, k) => Math.max(m, Math.abs(v - ref[k]!)), 0);
    assert.ok(max <= 1e-4, `text ${i}: ${max}`);
  });
});

test('cancellation between batches: CancelledError, no leaked tensors', async () => {
  const encs = encodings(40, 13);
  const ctl = new AbortController();
  const before = tf.memory().numTensors;
  await assert.rejects(
    embedTexts(encoder, encs, {
      pooling: 'mean',
      batchSize: 4,
      signal: ctl.signal,
      onProgress: (done) => {
        if (done >= 8) ctl.abort();
      },
    }),
    CancelledError,
  );
  assert.equal(tf.memory().numTensors, before);
  // A cancel that arrives from another task (a worker's message) is seen, because batches yield.
  const ctl2 = new AbortController();
  let batches = 0;
  setImmediate(() => ctl2.abort());
  await assert.rejects(
    embedTexts(encoder, encs, { pooling: 'mean', batchSize: 4, signal: ctl2.signal, onProgress: () => batches++ }),
    CancelledError,
  );
  assert.ok(batches < 11, `ran ${batches - 1} batches after the abort`);
});

test('pooler on a checkpoint without one, and bad sizes, are clear errors', async () => {
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 32, pooler: false }));
  try {
    await assert.rejects(embedTexts(enc, encodings(2), { pooling: 'pooler' }), /no pooler weights/);
    await assert.rejects(embedTexts(enc, encodings(2), { pooling: 'mean', batchSize: 0 }), /positive integers/);
  } finally {
    enc.dispose();
  }
});

test('empty input gives an empty result', async () => {
  const { dim, data } = await embedTexts(encoder, [], { pooling: 'mean' });
  assert.equal(dim, H);
  assert.equal(data.length, 0);
});
