import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import { parseBertConfig } from '../../src/config';
import type { BertConfig } from '../../src/config/types';
import { ConfigError, MissingWeightError, ShapeMismatchError } from '../../src/errors';
import type { TensorMap } from '../../src/weights/types';
import { createBertEncoder } from '../../src/encoder/bert-encoder';
import type { BertEncoder, PaddedBatch } from '../../src/encoder/types';
import { createTokenizer } from '../../src/tokenizer';
import { randomBertWeights, referenceForward, smsTexts } from '../../test-support/reference-bert';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { padSequences as pad } from '../../test-support/pad';
import { watchCollection } from '../../test-support/gc';

const SMS = 'data/sms-spam/SMSSpamCollection.tsv';
const VOCAB = 'data/bert-base-uncased/vocab.txt';
const skip = skipUnlessShared(SMS) || skipUnlessShared(VOCAB);

const TINY = { hidden_size: 128, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 512 };
const MINILM_LIKE = { hidden_size: 384, num_hidden_layers: 2, num_attention_heads: 12, intermediate_size: 1536 };

let texts: Int32Array[] = [];

before(async () => {
  await initNodeBackend('wasm');
  if (skip) return;
  const tokenizer = createTokenizer({ vocabTxt: readFileSync(sharedPath(VOCAB)!, 'utf8') });
  const all = tokenizer
    .encodeBatch(smsTexts(readFileSync(sharedPath(SMS)!, 'utf8')), { maxLength: 128 })
    .map((e) => e.inputIds);
  // The first texts of the corpus plus the longest ones (truncated at 128), so long attention spans are covered.
  const longest = all
    .map((e, i) => [e.length, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, 4)
    .map(([, i]) => all[i]!);
  texts = [...all.slice(0, 16), ...longest];
});

/** max |Δ| between the encoder (padded batches) and the float64 reference (one unpadded text at a time). */
function maxDiffVsReference(
  enc: BertEncoder,
  config: BertConfig,
  weights: TensorMap,
  seqs: readonly Int32Array[],
  batchSize = 8,
  types?: readonly Int32Array[],
): number {
  const H = config.hiddenSize;
  let max = 0;
  for (let s = 0; s < seqs.length; s += batchSize) {
    const chunk = seqs.slice(s, s + batchSize);
    const chunkTypes = types?.slice(s, s + batchSize);
    const batch = pad(chunk, undefined, chunkTypes);
    const out = enc.forward(batch, { pooler: enc.hasPooler });
    const last = out.lastHiddenState.dataSync();
    const pooled = out.poolerOutput?.dataSync();
    out.lastHiddenState.dispose();
    out.poolerOutput?.dispose();
    chunk.forEach((ids, b) => {
      const ref = referenceForward(config, weights, ids, chunkTypes?.[b]);
      for (let t = 0; t < ids.length; t++) {
        for (let h = 0; h < H; h++) {
          const d = Math.abs(last[(b * batch.seqLen + t) * H + h]! - ref.lastHiddenState[t * H + h]!);
          if (!(d <= max)) max = d; // NaN propagates as a failure
        }
      }
      if (enc.hasPooler) {
        assert.ok(pooled && ref.poolerOutput);
        for (let h = 0; h < H; h++) max = Math.max(max, Math.abs(pooled[b * H + h]! - ref.poolerOutput[h]!));
      }
    });
  }
  return max;
}

const TOL = 1e-4;

test(
  'bert-tiny shape, gelu, "bert." prefix + extra heads, pooler: matches the float64 reference on SMS texts',
  { skip },
  () => {
    const config = parseBertConfig({ ...TINY, architectures: ['BertForSequenceClassification'] });
    const weights = randomBertWeights(config, { seed: 11, prefix: 'bert.', extraHeads: true });
    const enc = createBertEncoder(config, weights);
    try {
      assert.equal(enc.hasPooler, true);
      const d = maxDiffVsReference(enc, config, weights, texts);
      console.log(`# bert-tiny gelu max|Δ| = ${d.toExponential(2)} over ${texts.length} SMS texts`);
      assert.ok(d <= TOL, `max |Δ| ${d}`);
    } finally {
      enc.dispose();
    }
  },
);

test('MiniLM-like shape (384 hidden, 12 heads), no prefix: matches the reference', { skip }, () => {
  const config = parseBertConfig({ ...MINILM_LIKE, model_type: 'bert' });
  const weights = randomBertWeights(config, { seed: 12, prefix: '' });
  const enc = createBertEncoder(config, weights);
  try {
    const d = maxDiffVsReference(enc, config, weights, texts.slice(0, 10));
    console.log(`# MiniLM-like max|Δ| = ${d.toExponential(2)}`);
    assert.ok(d <= TOL, `max |Δ| ${d}`);
  } finally {
    enc.dispose();
  }
});

for (const act of ['gelu_new', 'relu'] as const) {
  test(`hidden_act ${act}: matches the reference`, { skip }, () => {
    const config = parseBertConfig({ ...TINY, hidden_act: act });
    const weights = randomBertWeights(config, { seed: 13, pooler: false });
    const enc = createBertEncoder(config, weights);
    try {
      assert.equal(enc.hasPooler, false);
      const d = maxDiffVsReference(enc, config, weights, texts.slice(0, 12));
      assert.ok(d <= TOL, `${act}: max |Δ| ${d}`);
    } finally {
      enc.dispose();
    }
  });
}

for (const dtype of ['F16', 'BF16'] as const) {
  test(`${dtype} weights and token_type_ids 1 (text pairs): match the reference`, { skip }, () => {
    const config = parseBertConfig(TINY);
    const weights = randomBertWeights(config, { seed: 14, dtype });
    const enc = createBertEncoder(config, weights);
    try {
      const seqs = texts.slice(0, 8);
      const types = seqs.map((s) => Int32Array.from(s, (_, i) => (i > s.length / 2 ? 1 : 0)));
      const d = maxDiffVsReference(enc, config, weights, seqs, 4, types);
      assert.ok(d <= TOL, `max |Δ| ${d}`);
    } finally {
      enc.dispose();
    }
  });
}

test(
  'padding invariance: a text alone, in a batch with longer texts, or padded further gives the same output',
  { skip },
  () => {
    const config = parseBertConfig(TINY);
    const enc = createBertEncoder(config, randomBertWeights(config, { seed: 15 }));
    try {
      const short = texts[1]!;
      const run = (batch: PaddedBatch, row: number): Float32Array => {
        const out = enc.forward(batch, { pooler: true });
        const H = config.hiddenSize;
        const last = out.lastHiddenState
          .dataSync()
          .slice(row * batch.seqLen * H, (row * batch.seqLen + short.length) * H);
        const pooled = out.poolerOutput!.dataSync().slice(row * H, (row + 1) * H);
        tf.dispose([out.lastHiddenState, out.poolerOutput!]);
        return Float32Array.from([...last, ...pooled]);
      };
      const alone = run(pad([short]), 0);
      const inBatch = run(pad([texts[16]!, short, texts[0]!]), 1);
      const padded = run(pad([short], 128), 0);
      const diff = (a: Float32Array, b: Float32Array): number =>
        a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
      assert.ok(texts[16]!.length > short.length + 20);
      assert.ok(diff(alone, inBatch) <= 1e-5, `batch: ${diff(alone, inBatch)}`);
      assert.ok(diff(alone, padded) <= 1e-5, `padded: ${diff(alone, padded)}`);
    } finally {
      enc.dispose();
    }
  },
);

test('no tensor leak across forwards; dispose frees every weight', () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const before = tf.memory().numTensors;
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 16 }));
  assert.equal(tf.memory().numTensors - before, enc.variables.size);
  const batch = pad([Int32Array.from([101, 7, 8, 102]), Int32Array.from([101, 9, 102])]);
  const once = (): void => {
    const out = enc.forward(batch, { pooler: true });
    tf.dispose([out.lastHiddenState, out.poolerOutput!]);
  };
  once();
  const warm = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) once();
  tf.tidy(() => {
    enc.forward(batch, { training: true, seed: 1 });
  });
  assert.equal(tf.memory().numTensors, warm);
  enc.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => enc.forward(batch), /disposed/);
});

test("the encoder keeps no reference to the checkpoint's tensors (the file's bytes are freed once it exists)", async () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const gcWatch = watchCollection();
  // Built in a function of its own: a suspended async frame would keep its own loop variables alive.
  const build = (): { enc: BertEncoder; names: string[] } => {
    const weights = randomBertWeights(config, { seed: 17 });
    for (const [name, t] of weights) gcWatch.watch(t.data, name);
    return { enc: createBertEncoder(config, weights), names: [...weights.keys()] };
  };
  const { enc, names } = build();
  try {
    const freed = await gcWatch.collected();
    const kept = [...names].filter((n) => !freed.has(n));
    assert.deepEqual(kept, [], `still reachable from the encoder: ${kept.join(', ')}`);
    const out = enc.forward(pad([Int32Array.from([101, 7, 102])]));
    out.lastHiddenState.dispose(); // still works without them
  } finally {
    enc.dispose();
  }
});

test("inference memory: a layer's temporaries are freed before the next layer (peak flat in depth)", async () => {
  // Peak bytes allocated by one forward of a 64×32 batch, for 1 and 4 layers of the same width. Without a tidy per
  // block every layer's temporaries stay alive to the end and the peak grows ~4×; with it only the [B·S, H] layer
  // outputs accumulate.
  const peak = async (layers: number): Promise<number> => {
    const config = parseBertConfig({
      ...TINY,
      num_hidden_layers: layers,
      vocab_size: 300,
      max_position_embeddings: 64,
    });
    const enc = createBertEncoder(config, randomBertWeights(config, { seed: 3 }));
    const ids = Array.from({ length: 64 }, (_, b) =>
      Int32Array.from({ length: 32 }, (_, t) => 1 + ((b * 7 + t) % 290)),
    );
    const batch = pad(ids);
    enc.forward(batch).lastHiddenState.dispose(); // warm-up (fused QKV weights are built on first use)
    const info = await tf.profile(() => enc.forward(batch).lastHiddenState);
    tf.dispose(info.result);
    enc.dispose();
    return info.peakBytes;
  };
  const one = await peak(1);
  const four = await peak(4);
  assert.ok(four < one * 1.6, `peak bytes 4 layers ${four} vs 1 layer ${one}`);
});

test('variables: canonical names, frozen by default, per-layer lists, Linear weights transposed to [in, out]', () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64, intermediate_size: 96 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 17, prefix: 'bert.' }));
  try {
    // 4 embedding (the word table is not a variable) + 16 per layer + 2 pooler
    assert.equal(enc.variables.size, 4 + 16 * 2 + 2);
    assert.ok(!enc.variables.has('embeddings.word_embeddings.weight'));
    assert.equal(enc.wordEmbeddings!.length, 300 * 128, 'the word table is a plain [vocab, hidden] array');
    assert.ok(enc.variables.has('encoder.layer.1.output.dense.weight'));
    assert.deepEqual(enc.variables.get('encoder.layer.1.intermediate.dense.weight')!.shape, [128, 96]);
    assert.ok([...enc.variables.values()].every((v) => !v.trainable));
    assert.equal(enc.layerVariables(0).length, 16);
    assert.throws(() => enc.layerVariables(2), /layers 0…1/);
  } finally {
    enc.dispose();
  }
});

test('gradients of the top layer work on the wasm backend (embedding gathers stay off the gradient path)', () => {
  assert.equal(tf.getBackend(), 'wasm');
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 18 }));
  // Warm-up: frozen layers build their resident fused-QKV weights on first use.
  tf.tidy(() => {
    enc.forward(pad([Int32Array.from([101, 102])]));
  });
  const before = tf.memory().numTensors;
  try {
    const top = enc.layerVariables(1);
    const pooler = [enc.variables.get('pooler.dense.weight')!, enc.variables.get('pooler.dense.bias')!];
    for (const v of [...top, ...pooler]) v.trainable = true;
    const batch = pad([Int32Array.from([101, 7, 8, 102]), Int32Array.from([101, 9, 102])], undefined, [
      Int32Array.from([0, 0, 1, 1]),
      Int32Array.from([0, 0, 0]),
    ]);
    const { value, grads } = tf.variableGrads(() => {
      const out = enc.forward(batch, { pooler: true, training: true, seed: 3 });
      return tf.add(tf.mean(tf.square(out.lastHiddenState)), tf.mean(out.poolerOutput!)) as tf.Scalar;
    }, [...top, ...pooler]);
    assert.ok(Number.isFinite(value.dataSync()[0]));
    assert.equal(Object.keys(grads).length, top.length + 2);
    for (const g of Object.values(grads)) {
      const vals = g.dataSync();
      assert.ok(vals.every(Number.isFinite));
      assert.ok(vals.some((x) => x !== 0));
    }
    tf.dispose([value, ...Object.values(grads)]);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    enc.dispose();
  }
});

test('dropout: only when training, deterministic for a seed', () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 19 }));
  try {
    const batch = pad([Int32Array.from([101, 7, 8, 9, 102])]);
    const get = (o: Parameters<BertEncoder['forward']>[1]): Float32Array =>
      tf.tidy(() => enc.forward(batch, o).lastHiddenState.dataSync() as Float32Array);
    const eq = (a: Float32Array, b: Float32Array): boolean => a.every((v, i) => v === b[i]);
    assert.ok(eq(get({}), get({ training: false, seed: 5 })));
    assert.ok(eq(get({ training: true, seed: 5 }), get({ training: true, seed: 5 })));
    assert.ok(!eq(get({ training: true, seed: 5 }), get({ training: true, seed: 6 })));
    assert.ok(!eq(get({}), get({ training: true, seed: 5 })));
  } finally {
    enc.dispose();
  }
});

test('missing and mis-shaped weights: errors name the key, expected and actual shape; nothing is allocated', () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const before = tf.memory().numTensors;
  const missing = randomBertWeights(config, { seed: 20, prefix: 'bert.' });
  missing.delete('bert.encoder.layer.1.attention.self.key.bias');
  assert.throws(
    () => createBertEncoder(config, missing, { source: 'model.safetensors' }),
    (e: unknown) =>
      e instanceof MissingWeightError &&
      e.key === 'bert.encoder.layer.1.attention.self.key.bias' &&
      /model\.safetensors/.test(e.message),
  );
  const wrong = randomBertWeights(config, { seed: 20 });
  const t = wrong.get('encoder.layer.0.intermediate.dense.weight')!;
  wrong.set(t.name, { ...t, shape: [128, 512] });
  assert.throws(
    () => createBertEncoder(config, wrong),
    (e: unknown) =>
      e instanceof ShapeMismatchError &&
      e.key === 'encoder.layer.0.intermediate.dense.weight' &&
      e.message.includes('[128, 512]') &&
      e.message.includes('expected [512, 128]'),
  );
  const half = randomBertWeights(config, { seed: 20 });
  half.delete('pooler.dense.bias');
  assert.throws(
    () => createBertEncoder(config, half),
    (e: unknown) => e instanceof MissingWeightError && e.key === 'pooler.dense.bias',
  );
  assert.equal(tf.memory().numTensors, before);
});

test('no pooler in the checkpoint: hasPooler false and asking for it is a clear error', () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 21, pooler: false }));
  try {
    assert.equal(enc.hasPooler, false);
    assert.throws(() => enc.forward(pad([Int32Array.from([101, 102])]), { pooler: true }), /no pooler weights/);
  } finally {
    enc.dispose();
  }
});

test('bad batches: ids outside the vocabulary and over-long sequences are rejected clearly', () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 8 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 22 }));
  try {
    assert.throws(() => enc.forward(pad([Int32Array.from([101, 300])])), /outside the model's vocabulary/);
    assert.throws(() => enc.forward(pad([new Int32Array(9)])), /max_position_embeddings 8/);
    assert.throws(() => createBertEncoder(config, new Map(), { dtype: 'float16' as 'float32' }), ConfigError);
    const ints = randomBertWeights(config, { seed: 22 });
    const t = ints.get('encoder.layer.0.output.dense.bias')!;
    ints.set(t.name, { ...t, dtype: 'I32' });
    assert.throws(
      () => createBertEncoder(config, ints),
      /"encoder\.layer\.0\.output\.dense\.bias" in the checkpoint has dtype I32/,
    );
  } finally {
    enc.dispose();
  }
});

test('resident copies follow the variables: assign() and trainable layers give the same numbers as a fresh encoder', () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const weights = randomBertWeights(config, { seed: 23 });
  const enc = createBertEncoder(config, weights);
  const batch = pad([Int32Array.from([101, 7, 8, 9, 102]), Int32Array.from([101, 10, 102])]);
  const run = (e: BertEncoder): Float32Array =>
    tf.tidy(() => e.forward(batch, { pooler: true }).lastHiddenState.dataSync() as Float32Array);
  const maxDiff = (a: Float32Array, b: Float32Array): number =>
    a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
  try {
    const original = run(enc);
    // Trainable layer (concatenated inside the forward) = frozen layer (resident fused copy).
    for (const v of enc.layerVariables(0)) v.trainable = true;
    assert.ok(maxDiff(run(enc), original) <= 1e-6);
    for (const v of enc.layerVariables(0)) v.trainable = false;
    // Replace the query weight and the position embeddings: outputs must follow (as a fresh encoder would).
    const wq = enc.variables.get('encoder.layer.0.attention.self.query.weight')!;
    const we = enc.variables.get('embeddings.position_embeddings.weight')!;
    const [oldQ, oldE] = [tf.clone(wq), tf.clone(we)];
    wq.assign(tf.tidy(() => tf.mul(wq, -0.5)));
    we.assign(tf.tidy(() => tf.add(we, 0.25)));
    const changed = run(enc);
    assert.ok(maxDiff(changed, original) > 1e-2);
    const modified = new Map(weights);
    const toRaw = (name: string, t: tf.Tensor, transpose: boolean): void => {
      const values = (transpose ? tf.tidy(() => tf.transpose(t)) : t).dataSync() as Float32Array;
      const raw = weights.get(name)!;
      modified.set(name, { ...raw, data: new Uint8Array(Float32Array.from(values).buffer) });
    };
    toRaw('encoder.layer.0.attention.self.query.weight', wq, true);
    toRaw('embeddings.position_embeddings.weight', we, false);
    const fresh = createBertEncoder(config, modified);
    assert.ok(maxDiff(run(fresh), changed) <= 1e-6);
    fresh.dispose();
    wq.assign(oldQ);
    we.assign(oldE);
    tf.dispose([oldQ, oldE]);
    assert.ok(maxDiff(run(enc), original) <= 1e-6);
  } finally {
    enc.dispose();
  }
});

test('trainable embeddings: the differentiable embedding path gives the same output and wasm gradients', () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 24 }));
  const batch = pad([Int32Array.from([101, 7, 8, 9, 102]), Int32Array.from([101, 10, 102])], undefined, [
    Int32Array.from([0, 0, 0, 1, 1]),
    Int32Array.from([0, 0, 0]),
  ]);
  try {
    const frozen = tf.tidy(() => enc.forward(batch).lastHiddenState.dataSync() as Float32Array);
    const names = [
      'embeddings.position_embeddings.weight',
      'embeddings.token_type_embeddings.weight',
      'embeddings.LayerNorm.weight',
    ];
    const vars = names.map((n) => enc.variables.get(n)!);
    for (const v of vars) v.trainable = true;
    const trainable = tf.tidy(() => enc.forward(batch).lastHiddenState.dataSync() as Float32Array);
    assert.ok(frozen.every((v, i) => Math.abs(v - trainable[i]!) <= 1e-5));
    const { value, grads } = tf.variableGrads(
      () => tf.mean(tf.square(enc.forward(batch).lastHiddenState)) as tf.Scalar,
      vars,
    );
    for (const v of vars) {
      const g = grads[v.name]!.dataSync();
      assert.ok(g.every(Number.isFinite) && g.some((q) => q !== 0), v.name);
    }
    tf.dispose([value, ...Object.values(grads)]);
  } finally {
    enc.dispose();
  }
});
