import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import { BackendError } from '../../src/errors';
import { parseBertConfig } from '../../src/config';
import type { BertConfig } from '../../src/config/types';
import { createBertEncoder } from '../../src/encoder/bert-encoder';
import type { BertEncoder } from '../../src/encoder/types';
import { createTokenizer } from '../../src/tokenizer';
import type { TensorMap } from '../../src/weights/types';
import { randomBertWeights, referenceForward, smsTexts } from '../../test-support/reference-bert';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { padSequences as pad } from '../../test-support/pad';
import { watchCollection } from '../../test-support/gc';
import { mulberry32 } from '../../src/util/random';
import type { InferenceEngine } from '../../src/encoder/types';
import { createKernelEngine, kernelUnavailableReason, prestartKernelWorkers } from '../../src/kernel/engine';
import { kernelWeightsOf } from '../../src/kernel/attach';
import { embedTexts } from '../../src/features/embed';
import { nodeKernelSpawner } from '../../src/kernel/node-spawn';
import type { KernelReply } from '../../src/kernel/protocol';
import type { KernelSpawner } from '../../src/kernel/spawn';

const SMS = 'data/sms-spam/SMSSpamCollection.tsv';
const VOCAB = 'data/bert-base-uncased/vocab.txt';
const skip = skipUnlessShared(SMS) || skipUnlessShared(VOCAB);

const TINY = { hidden_size: 128, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 512 };
// hidden 140 = 17·8 + 4, 3·140 = 420 and 564 leave a partial 8-column panel in every product; 5 heads of 28.
const ODD = { hidden_size: 140, num_hidden_layers: 3, num_attention_heads: 5, intermediate_size: 564 };

let texts: Int32Array[] = [];
const open: Array<{ dispose(): void }> = [];

before(async () => {
  await initNodeBackend('wasm');
  if (skip) return;
  const tokenizer = createTokenizer({ vocabTxt: readFileSync(sharedPath(VOCAB)!, 'utf8') });
  const all = tokenizer.encodeBatch(smsTexts(readFileSync(sharedPath(SMS)!, 'utf8')), { maxLength: 128 });
  const ids = all.map((e) => e.inputIds);
  const longest = ids
    .map((e, i) => [e.length, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, 3)
    .map(([, i]) => ids[i]!);
  texts = [...ids.slice(0, 13), ...longest];
});

after(() => {
  for (const o of open.splice(0)) o.dispose();
});

function setup(
  shape: Record<string, unknown>,
  seed: number,
  threads = 1,
): { config: BertConfig; weights: TensorMap; enc: BertEncoder; engine: InferenceEngine } {
  const config = parseBertConfig(shape);
  const weights = randomBertWeights(config, { seed });
  const enc = createBertEncoder(config, weights);
  const engine = createKernelEngine(kernelWeightsOf(enc), { threads, spawn: nodeKernelSpawner });
  open.push(engine, enc);
  return { config, weights, enc, engine };
}

const TOL = 1e-4;

async function maxDiff(
  { config, weights, engine }: ReturnType<typeof setup>,
  seqs: readonly Int32Array[],
  types?: readonly Int32Array[],
): Promise<number> {
  const H = config.hiddenSize;
  const batch = pad(seqs, undefined, types);
  const [hidden, mean, cls, pooler] = await Promise.all([
    engine.run(batch, 'none'),
    engine.run(batch, 'mean'),
    engine.run(batch, 'cls'),
    engine.run(batch, 'pooler'),
  ]);
  let max = 0;
  const upd = (a: number, b: number): void => {
    const d = Math.abs(a - b);
    if (!(d <= max)) max = d; // NaN fails
  };
  seqs.forEach((ids, b) => {
    const ref = referenceForward(config, weights, ids, types?.[b]);
    assert.equal(hidden.seqStart[b + 1]! - hidden.seqStart[b]!, ids.length, 'one hidden row per real token');
    const r0 = hidden.seqStart[b]!;
    for (let h = 0; h < H; h++) {
      let sum = 0;
      for (let t = 0; t < ids.length; t++) {
        upd(hidden.data[(r0 + t) * H + h]!, ref.lastHiddenState[t * H + h]!);
        sum += ref.lastHiddenState[t * H + h]!;
      }
      upd(mean.data[b * H + h]!, sum / ids.length);
      upd(cls.data[b * H + h]!, ref.lastHiddenState[h]!);
      upd(pooler.data[b * H + h]!, ref.poolerOutput![h]!);
    }
  });
  return max;
}

test(
  'wasm-simd kernel, bert-tiny shape: hidden rows, mean, cls and pooler match the float64 reference',
  { skip },
  async () => {
    const s = setup(TINY, 21);
    const d = await maxDiff(s, texts);
    console.log(`# kernel bert-tiny max|Δ| = ${d.toExponential(2)} over ${texts.length} SMS texts`);
    assert.ok(d <= TOL, `max |Δ| ${d}`);
  },
);

test('wasm-simd kernel on seeded random token ids (no shared data needed): matches the float64 reference', async () => {
  const rnd = mulberry32(31);
  const seqs = Array.from({ length: 9 }, (_, i) =>
    Int32Array.from({ length: i === 0 ? 1 : 2 + Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 300)),
  );
  const d = await maxDiff(setup({ ...TINY, vocab_size: 300, max_position_embeddings: 64 }, 32), seqs);
  assert.ok(d <= TOL, `max |Δ| ${d}`);
});

test('the shared word table (one SharedArrayBuffer for all workers) gives bit-identical results to a copy per worker', async () => {
  const rnd = mulberry32(33);
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 34 }));
  const shared = createKernelEngine(kernelWeightsOf(enc), {
    threads: 2,
    spawn: nodeKernelSpawner,
    shareWordTable: true,
  });
  const copied = createKernelEngine(kernelWeightsOf(enc), {
    threads: 2,
    spawn: nodeKernelSpawner,
    shareWordTable: false,
  });
  open.push(shared, copied, enc);
  const seqs = Array.from({ length: 7 }, () =>
    Int32Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => Math.floor(rnd() * 300)),
  );
  const types = seqs.map((s) => s.map((_, t) => (t > s.length / 2 ? 1 : 0)));
  const batch = pad(seqs, undefined, types);
  for (const pooling of ['none', 'flatten', 'mean', 'cls', 'pooler'] as const) {
    const [a, b] = await Promise.all([shared.run(batch, pooling), copied.run(batch, pooling)]);
    assert.deepEqual(a.data, b.data, pooling);
    assert.deepEqual(a.seqStart, b.seqStart, pooling);
  }
  await assert.rejects(shared.run(pad([Int32Array.from([101, 300])]), 'mean'), /Token id 300 is outside/);
});

test('start() posts the weights before the first run (once), and a started engine gives the same results as a lazy one', async () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 35 }));
  const inits: number[] = [];
  const counting: KernelSpawner = (source) => {
    const w = nodeKernelSpawner(source);
    return { ...w, post: (m, t) => (m.type === 'init' && inits.push(1), w.post(m, t)) };
  };
  const started = createKernelEngine(kernelWeightsOf(enc), { threads: 2, spawn: counting });
  const lazy = createKernelEngine(kernelWeightsOf(enc), { threads: 2, spawn: nodeKernelSpawner });
  open.push(started, lazy, enc);
  assert.equal(inits.length, 0, 'nothing starts before start() or a run');
  await Promise.all([started.start!(), started.start!()]);
  assert.equal(inits.length, 2, 'one init per worker, sent by start() itself');
  const batch = pad([Int32Array.from([101, 7, 8, 9, 102]), Int32Array.from([101, 42, 102])]);
  const [a, b] = await Promise.all([started.run(batch, 'mean'), lazy.run(batch, 'mean')]);
  assert.deepEqual(a.data, b.data);
  assert.equal(inits.length, 2, 'the run did not start the workers again');
});

/** Node kernel workers that log, numbered in spawn order: `spawn n`, each message posted (`<type> n`), `end n`. */
function loggingSpawner(log: string[]): KernelSpawner {
  let next = 0;
  return (source) => {
    const w = nodeKernelSpawner(source);
    const n = next++;
    log.push(`spawn ${n}`);
    return {
      ...w,
      post: (m, t) => (log.push(`${m.type} ${n}`), w.post(m, t)),
      terminate: () => (log.push(`end ${n}`), w.terminate()),
    };
  };
}

test('prestarted workers (compiled ahead) are the ones the engine uses; the rest are ended; results unchanged', async () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 36 }));
  const log: string[] = [];
  const counting = loggingSpawner(log);
  const pre = prestartKernelWorkers({ spawn: counting, threads: 3 })!;
  assert.deepEqual(log, ['spawn 0', 'compile 0', 'spawn 1', 'compile 1', 'spawn 2', 'compile 2']);
  const engine = createKernelEngine(kernelWeightsOf(enc), { threads: 2, spawn: pre.spawn });
  const plain = createKernelEngine(kernelWeightsOf(enc), { threads: 1, spawn: nodeKernelSpawner });
  open.push(engine, plain, enc);
  await engine.start!();
  pre.dispose();
  assert.deepEqual(log.slice(6), ['init 0', 'init 1', 'end 2'], 'the first two prestarted workers, no new one');
  const batch = pad([Int32Array.from([101, 7, 8, 9, 102]), Int32Array.from([101, 42, 102])]);
  const [a, b] = await Promise.all([engine.run(batch, 'mean'), plain.run(batch, 'mean')]);
  assert.deepEqual(a.data, b.data);
  // a prestart asked for an impossible count starts nothing (the engine refuses the count itself)
  assert.equal(log.filter((l) => l.startsWith('spawn')).length, 3);
  prestartKernelWorkers({ spawn: counting, threads: 0 })!.dispose();
  assert.equal(log.filter((l) => l.startsWith('spawn')).length, 3);
});

test('suspend() ends idle workers and the next run starts new ones with the same results; never mid-run', async () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 38 }));
  const all: string[] = [];
  const counting = loggingSpawner(all);
  const initsAndEnds = (): string[] => all.filter((l) => /^(init|end) /.test(l));
  const engine = createKernelEngine(kernelWeightsOf(enc), { threads: 2, spawn: counting });
  open.push(engine, enc);
  assert.equal(engine.suspend!(), false, 'nothing to end before the start');
  const batch = pad([Int32Array.from([101, 7, 8, 9, 102]), Int32Array.from([101, 42, 102])]);
  const first = await engine.run(batch, 'mean');
  const inFlight = engine.run(batch, 'mean');
  assert.equal(engine.suspend!(), false, 'a run is in flight');
  await inFlight;
  assert.equal(engine.suspend!(), true);
  assert.deepEqual(initsAndEnds(), ['init 0', 'init 1', 'end 0', 'end 1']);
  assert.equal(engine.suspend!(), false, 'already ended');
  const again = await engine.run(batch, 'mean');
  assert.deepEqual(again.data, first.data);
  assert.deepEqual(initsAndEnds().slice(4), ['init 2', 'init 3'], 'two new workers');
  // values that can be read only once (the runtime's, from a file it read) cannot restart: the workers stay
  const once = createKernelEngine({ ...kernelWeightsOf(enc), rereadable: false }, { threads: 1, spawn: counting });
  open.push(once);
  await once.run(batch, 'mean');
  assert.equal(once.suspend!(), false);
});

test('a prestarted worker that fails before the engine takes it: the first run rejects (BackendError), never hangs', async () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 37 }));
  // Like a web Worker whose script is refused: one error event soon after it is made, to whoever listens then.
  const refused: KernelSpawner = () => {
    let listener: ((r: KernelReply) => void) | undefined;
    setTimeout(() => listener?.({ type: 'error', id: undefined, message: 'simulated: worker script refused' }), 0);
    return { post: () => undefined, onReply: (c) => void (listener = c), busy: () => undefined, terminate: () => {} };
  };
  const pre = prestartKernelWorkers({ spawn: refused, threads: 1 })!;
  await new Promise((r) => setTimeout(r, 20)); // the error fires while the bundle would still be read
  const engine = createKernelEngine(kernelWeightsOf(enc), { threads: 1, spawn: pre.spawn });
  open.push(engine, enc);
  await engine.start!();
  pre.dispose();
  const hung = new Promise((_, reject) => setTimeout(() => reject(new Error('the run hung')), 5000));
  await assert.rejects(
    Promise.race([engine.run(pad([Int32Array.from([101, 7, 102])]), 'mean'), hung]),
    (e: unknown) => e instanceof BackendError && /simulated: worker script refused/.test(e.message),
  );
});

test(
  'wasm-simd kernel, partial column panels, gelu_new, 3 layers, token types 1: match the reference',
  { skip },
  async () => {
    const s = setup({ ...ODD, hidden_act: 'gelu_new' }, 22);
    const seqs = texts.slice(0, 9);
    const types = seqs.map((t) => Int32Array.from(t, (_, i) => (i > t.length / 2 ? 1 : 0)));
    const d = await maxDiff(s, seqs, types);
    assert.ok(d <= TOL, `max |Δ| ${d}`);
  },
);

test('wasm-simd kernel, relu: matches the reference', { skip }, async () => {
  const d = await maxDiff(setup({ ...TINY, hidden_act: 'relu' }, 23), texts.slice(0, 8));
  assert.ok(d <= TOL, `max |Δ| ${d}`);
});

test('flatten keeps every padded position and matches the TF.js encoder there too', { skip }, async () => {
  const { config, enc, engine } = setup(TINY, 24);
  const batch = pad(texts.slice(0, 6), 64);
  const flat = await engine.run(batch, 'flatten');
  const tfOut = tf.tidy(() => enc.forward(batch).lastHiddenState.dataSync());
  assert.equal(flat.data.length, 6 * 64 * config.hiddenSize);
  const d = flat.data.reduce((m, v, i) => Math.max(m, Math.abs(v - tfOut[i]!)), 0);
  assert.ok(d <= TOL, `max |Δ| vs TF.js ${d}`);
});

test('padding invariance and threads: same vectors alone, in a longer batch, and on 2 workers', { skip }, async () => {
  const one = setup(TINY, 25, 1);
  const two = createKernelEngine(kernelWeightsOf(one.enc), { threads: 2, spawn: nodeKernelSpawner });
  open.push(two);
  const H = one.config.hiddenSize;
  const alone = await one.engine.run(pad([texts[1]!]), 'mean');
  const inBatch = await one.engine.run(pad([texts[14]!, texts[1]!, texts[0]!], 128), 'mean');
  const d = alone.data.reduce((m, v, h) => Math.max(m, Math.abs(v - inBatch.data[H + h]!)), 0);
  assert.ok(d <= 1e-6, `padding changed the vector by ${d}`);
  const batches = [0, 4, 8, 12].map((i) => pad(texts.slice(i, i + 4)));
  const a = await Promise.all(batches.map((b) => one.engine.run(b, 'mean')));
  const b = await Promise.all(batches.map((x) => two.run(x, 'mean')));
  assert.equal(two.threads, 2);
  a.forEach((r, i) => assert.deepEqual(b[i]!.data, r.data, `batch ${i}: 2 workers differ from 1`));
});

test(
  'a batch of more than 1,024 real tokens (several kernel groups) equals small batches, pooled and per token',
  { skip },
  async () => {
    const { config, engine } = setup(TINY, 28);
    const H = config.hiddenSize;
    const many = Array.from({ length: 6 }, () => texts).flat(); // 96 texts, ≈ 3,000 real tokens
    const big = pad(many);
    const [mean, rows] = await Promise.all([engine.run(big, 'mean'), engine.run(big, 'none')]);
    let d = 0;
    for (let i = 0; i < texts.length; i += 4) {
      const small = pad(texts.slice(i, i + 4));
      const [m, r] = await Promise.all([engine.run(small, 'mean'), engine.run(small, 'none')]);
      for (let k = 0; k < 4 * H; k++) d = Math.max(d, Math.abs(m.data[k]! - mean.data[i * H + k]!));
      const off = rows.seqStart[i]! * H;
      for (let k = 0; k < r.data.length; k++) d = Math.max(d, Math.abs(r.data[k]! - rows.data[off + k]!));
    }
    assert.ok(rows.seqStart[many.length]! > 2048, `only ${rows.seqStart[many.length]} rows`);
    assert.ok(d <= 1e-6, `max |Δ| ${d}`);
  },
);

test('bad input: a token id outside the vocabulary is refused with a clear error; the engine keeps working', async () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 26 }));
  const engine = createKernelEngine(kernelWeightsOf(enc), { threads: 1, spawn: nodeKernelSpawner });
  open.push(engine, enc);
  const good = pad([Int32Array.from([101, 7, 8, 102])]);
  const before = await engine.run(good, 'mean');
  await assert.rejects(engine.run(pad([Int32Array.from([101, 300, 102])]), 'mean'), /Token id 300 is outside/);
  await assert.rejects(engine.run(pad([Int32Array.from([101, 7])], 65), 'mean'), /exceeds the model's max_position/);
  assert.deepEqual((await engine.run(good, 'mean')).data, before.data);
  engine.dispose();
  await assert.rejects(engine.run(good, 'mean'), /disposed/);
});

test('once its workers have started, the engine keeps no copy of the weights it packed for them', async () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 27 }));
  open.push(enc);
  const gcWatch = watchCollection();
  // Every value the engine reads from the encoder is watched: it packs them into the workers' images.
  const watched = new Map(
    [...enc.variables].map(([name, v]) => {
      const read = async (): Promise<Float32Array> => {
        const copy = ((await v.data()) as Float32Array).slice();
        gcWatch.watch(copy, name);
        return copy;
      };
      return [name, { data: read } as unknown as tf.Variable];
    }),
  );
  const engine = createKernelEngine(kernelWeightsOf({ ...enc, variables: watched }), {
    threads: 2,
    spawn: nodeKernelSpawner,
  });
  open.push(engine);
  await engine.run(pad([Int32Array.from([101, 7, 8, 102])]), 'mean'); // starts the workers
  const freed = await gcWatch.collected();
  const kept = [...watched.keys()].filter((n) => !freed.has(n));
  assert.deepEqual(kept, [], `still reachable from the engine: ${kept.join(', ')}`);
  const again = await engine.run(pad([Int32Array.from([101, 7, 8, 102])]), 'mean');
  assert.equal(again.data.length, config.hiddenSize);
});

test('a shape the kernel cannot run (head size 97) is refused up front, naming the fix', () => {
  const config = parseBertConfig({ ...ODD, hidden_size: 388, num_attention_heads: 4, vocab_size: 100 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 27 }));
  open.push(enc);
  assert.match(kernelUnavailableReason(kernelWeightsOf(enc)) ?? '', /divisible by 4 \(got 388 and 97\)/);
  assert.throws(
    () => createKernelEngine(kernelWeightsOf(enc), { spawn: nodeKernelSpawner }),
    /cannot run here.*inference: 'tfjs'/s,
  );
});

test('a worker that fails (here: at init) rejects the pending run and every later one, naming the fallback', async () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 29 }));
  open.push(enc);
  let reply: ((r: KernelReply) => void) | undefined;
  const broken: KernelSpawner = () => ({
    post: (m) => {
      if (m.type === 'init') queueMicrotask(() => reply?.({ type: 'error', id: undefined, message: 'no memory' }));
    },
    onReply: (cb) => void (reply = cb),
    busy: () => undefined,
    terminate: () => undefined,
  });
  const engine = createKernelEngine(kernelWeightsOf(enc), { threads: 1, spawn: broken });
  const batch = pad([Int32Array.from([101, 7, 102])]);
  await assert.rejects(engine.run(batch, 'mean'), /inference engine failed: no memory[^]*inference: 'tfjs'/);
  await assert.rejects(engine.run(batch, 'mean'), /no memory/);
  engine.dispose();
});

test('Node: kernel workers keep the process alive while a run is pending, and not after (no dispose needed)', () => {
  const core = path.resolve(import.meta.dirname, '../../src');
  const script = `
    import { initNodeBackend } from ${JSON.stringify(path.join(core, 'node.ts'))};
    import { parseBertConfig } from ${JSON.stringify(path.join(core, 'config/index.ts'))};
    import { createBertEncoder } from ${JSON.stringify(path.join(core, 'encoder/bert-encoder.ts'))};
    import { withInference } from ${JSON.stringify(path.join(core, 'kernel/attach.ts'))};
    import { randomBertWeights } from ${JSON.stringify(path.join(core, '../test-support/reference-bert.ts'))};
    await initNodeBackend('wasm');
    const config = parseBertConfig({ hidden_size: 128, num_hidden_layers: 2, num_attention_heads: 2,
      intermediate_size: 512, vocab_size: 300, max_position_embeddings: 64 });
    const enc = withInference(createBertEncoder(config, randomBertWeights(config, { seed: 1 })), {});
    const batch = { batchSize: 1, seqLen: 3, inputIds: Int32Array.from([101, 5, 102]),
      tokenTypeIds: new Int32Array(3), attentionMask: Int32Array.from([1, 1, 1]) };
    enc.inference.run(batch, 'mean').then((r) => console.log('result', r.data.length));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.match(out, /result 128/);
});

test("inference 'auto': when the engine fails, embedding falls back to the TF.js forward (explicit wasm-simd fails)", async () => {
  const config = parseBertConfig({ ...TINY, vocab_size: 300, max_position_embeddings: 64 });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 30 }));
  open.push(enc);
  const noWorkers: KernelSpawner = () => {
    throw new Error('Refused to create a worker (Content Security Policy)');
  };
  const encodings = [
    [101, 7, 8, 102],
    [101, 9, 102],
  ].map((ids) => ({ inputIds: Int32Array.from(ids), tokenTypeIds: new Int32Array(ids.length) }));
  const expected = await embedTexts(enc, encodings, { pooling: 'mean' });
  const auto = createKernelEngine(kernelWeightsOf(enc), { threads: 1, spawn: noWorkers, fallbackToTfjs: true });
  const strict = createKernelEngine(kernelWeightsOf(enc), { threads: 1, spawn: noWorkers });
  open.push(auto, strict);
  const got = await embedTexts({ ...enc, inference: auto }, encodings, { pooling: 'mean' });
  assert.deepEqual(got.data, expected.data);
  await assert.rejects(embedTexts({ ...enc, inference: strict }, encodings, { pooling: 'mean' }), /Content Security/);
});
