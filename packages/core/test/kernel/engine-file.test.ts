/**
 * The kernel engine from a safetensors file (a Blob) that its workers read and pack themselves — worker 0 reads it,
 * converts and packs it (Linear weights by the kernel: bb_pack_linear), fills a shared word table, and sends its
 * packed weights for the others: the float64 reference's outputs on 1–3 workers, the word table shared or not, F32
 * and F16 files, prefixed names; a file that ends early fails the engine (every run rejects) instead of hanging it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBertConfig } from '../../src/config';
import type { BertConfig } from '../../src/config/types';
import { BackendError, StorageError } from '../../src/errors';
import { WORD_EMBEDDINGS } from '../../src/encoder/weight-map';
import { encoderWeightValues, planEncoderWeights } from '../../src/encoder/weight-values';
import type { KernelReply, KernelRequest } from '../../src/kernel/protocol';
import type { KernelSpawner } from '../../src/kernel/spawn';
import { createKernelEngine } from '../../src/kernel/engine';
import { nodeKernelSpawner } from '../../src/kernel/node-spawn';
import { mulberry32 } from '../../src/util/random';
import { readSafetensorsHeader, writeSafetensors } from '../../src/weights/safetensors';
import type { TensorMap } from '../../src/weights/types';
import { padSequences as pad } from '../../test-support/pad';
import { randomBertWeights, referenceForward } from '../../test-support/reference-bert';

// hidden 140 = 17·8 + 4, 3·140 = 420 and 564 leave a partial 8-column panel; 5 heads of 28 (a query scale 1/√28)
const ODD = { hidden_size: 140, num_hidden_layers: 2, num_attention_heads: 5, intermediate_size: 564 };
const SHAPE = { ...ODD, vocab_size: 300, max_position_embeddings: 64 };

/** What each worker was sent: its init's kind, and how many runs. */
type Sent = { init: string[]; runs: number }[];

/** nodeKernelSpawner, recording what the engine sends each worker. */
function spying(sent: Sent): KernelSpawner {
  return (source) => {
    const worker = nodeKernelSpawner(source);
    const mine = { init: [] as string[], runs: 0 };
    sent.push(mine);
    return {
      post(message: KernelRequest, transfer?: Transferable[]) {
        if (message.type === 'init') mine.init.push(message.weights.kind);
        if (message.type === 'run') mine.runs++;
        worker.post(message, transfer);
      },
      onReply: (c: (r: KernelReply) => void) => worker.onReply(c),
      busy: (b: boolean) => worker.busy(b),
      terminate: () => worker.terminate(),
    };
  };
}

function fileEngine(config: BertConfig, bytes: Uint8Array, threads: number, shareWordTable: boolean, sent?: Sent) {
  const header = readSafetensorsHeader(bytes, bytes.byteLength);
  const { raws, hasPooler } = planEncoderWeights(config, new Map(header.tensors.map((t) => [t.name, t])), 'test');
  return createKernelEngine(
    {
      config,
      hasPooler,
      file: new Blob([bytes as Uint8Array<ArrayBuffer>]),
      dataStart: header.dataStart,
      tensors: raws,
    },
    { threads, spawn: sent ? spying(sent) : nodeKernelSpawner, shareWordTable },
  );
}

const rnd = mulberry32(41);
const seqs = Array.from({ length: 7 }, (_, i) =>
  Int32Array.from({ length: i === 0 ? 1 : 2 + Math.floor(rnd() * 30) }, () => Math.floor(rnd() * 300)),
);

/**
 * Max |Δ| of the engine's mean and pooler outputs against the float64 reference. The first sequence runs alone
 * (worker 0, which packs the file; its 'packed' reply comes before its result), then the others all at once, spread
 * over every worker — which `sent` records.
 */
async function diffToReference(
  config: BertConfig,
  weights: TensorMap,
  bytes: Uint8Array,
  threads: number,
  share: boolean,
  sent?: Sent,
) {
  const engine = fileEngine(config, bytes, threads, share, sent);
  try {
    const H = config.hiddenSize;
    const both = async (ids: Int32Array) => {
      const batch = pad([ids]);
      return Promise.all([engine.run(batch, 'mean'), engine.run(batch, 'pooler')]);
    };
    const first = await both(seqs[0]!);
    const outs = [first, ...(await Promise.all(seqs.slice(1).map(both)))];
    assert.equal(engine.suspend!(), false, 'an engine whose weights came from a file keeps its workers');
    let max = 0;
    seqs.forEach((ids, b) => {
      const ref = referenceForward(config, weights, ids);
      const [mean, pooler] = outs[b]!;
      for (let h = 0; h < H; h++) {
        let sum = 0;
        for (let t = 0; t < ids.length; t++) sum += ref.lastHiddenState[t * H + h]!;
        for (const d of [mean.data[h]! - sum / ids.length, pooler.data[h]! - ref.poolerOutput![h]!]) {
          if (!(Math.abs(d) <= max)) max = Math.abs(d);
        }
      }
    });
    return max;
  } finally {
    engine.dispose();
  }
}

for (const [threads, share] of [
  [1, false],
  [2, true],
  [2, false],
  [3, true],
] as const) {
  test(`a checkpoint file packed by the workers (${threads} worker(s), word table ${share ? 'shared' : 'copied'}): the reference's outputs`, async () => {
    const config = parseBertConfig(SHAPE);
    const weights = randomBertWeights(config, { seed: 42 });
    const sent: Sent = [];
    const d = await diffToReference(config, weights, writeSafetensors(weights), threads, share, sent);
    assert.ok(d <= 1e-4, `max |Δ| ${d}`);
    // worker 0 packed the file; every other worker got its packed weights, and runs
    assert.deepEqual(
      sent.map((w) => w.init),
      sent.map((_, i) => [i === 0 ? 'checkpoint' : 'packed']),
    );
    for (const [i, w] of sent.entries()) assert.ok(w.runs > 0, `worker ${i} ran nothing`);
  });
}

test('an F16 file with "bert."-prefixed names: converted by the worker, the reference of the same values', async () => {
  const config = parseBertConfig(SHAPE);
  const weights = randomBertWeights(config, { seed: 43, dtype: 'F16', prefix: 'bert.' });
  const d = await diffToReference(config, weights, writeSafetensors(weights), 2, true);
  assert.ok(d <= 1e-4, `max |Δ| ${d}`);
});

test('a file that ends before its last tensor: the engine fails (BackendError), every run rejects, none hangs', async () => {
  const config = parseBertConfig(SHAPE);
  const bytes = writeSafetensors(randomBertWeights(config, { seed: 44 }));
  const header = readSafetensorsHeader(bytes, bytes.byteLength);
  const { raws, hasPooler } = planEncoderWeights(config, new Map(header.tensors.map((t) => [t.name, t])), 'test');
  const cut = new Blob([bytes.subarray(0, bytes.byteLength - 64) as Uint8Array<ArrayBuffer>]);
  const engine = createKernelEngine(
    { config, hasPooler, file: cut, dataStart: header.dataStart, tensors: raws },
    { threads: 2, spawn: nodeKernelSpawner },
  );
  try {
    const batch = pad([seqs[1]!]);
    await assert.rejects(engine.run(batch, 'mean'), (e: unknown) => {
      assert.ok(e instanceof BackendError, String(e));
      assert.match(e.message, /Invalid safetensors file: the file ends before tensor "/);
      return true;
    });
    await assert.rejects(engine.run(batch, 'mean'), BackendError);
  } finally {
    engine.dispose();
  }
});

test('packed by the kernel from a file or by JS from values: bit-identical outputs (head size 32, a float32 query scale)', async () => {
  const config = parseBertConfig({
    hidden_size: 128,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    intermediate_size: 256,
    vocab_size: 300,
    max_position_embeddings: 64,
  });
  const weights = randomBertWeights(config, { seed: 45 });
  const { values, hasPooler } = encoderWeightValues(config, weights, 'test');
  const words = values.get(WORD_EMBEDDINGS)!;
  values.delete(WORD_EMBEDDINGS);
  const fromValues = createKernelEngine(
    { config, hasPooler, wordEmbeddings: words, values: async () => values },
    { threads: 1, spawn: nodeKernelSpawner },
  );
  const fromFile = fileEngine(config, writeSafetensors(weights), 1, true);
  try {
    const batch = pad(seqs);
    for (const pooling of ['none', 'pooler'] as const) {
      const [a, b] = [await fromValues.run(batch, pooling), await fromFile.run(batch, pooling)];
      assert.equal(a.data.length, b.data.length);
      const differ = a.data.findIndex((x, i) => !Object.is(x, b.data[i]));
      assert.equal(differ, -1, `${pooling}: first difference at ${differ}`);
    }
  } finally {
    fromValues.dispose();
    fromFile.dispose();
  }
});

test('a worker that cannot read the file: the engine fails with a StorageError saying what to do', async () => {
  const config = parseBertConfig(SHAPE);
  // a worker whose read of the file fails, as worker.ts reports it
  const unreadable: KernelSpawner = () => {
    let listener: ((r: KernelReply) => void) | undefined;
    return {
      post: (m: KernelRequest) => {
        if (m.type === 'init') {
          const message = 'could not read the checkpoint file (simulated: NotReadableError)';
          setTimeout(() => listener?.({ type: 'error', id: undefined, message, kind: 'read' }), 0);
        }
      },
      onReply: (c) => void (listener = c),
      busy: () => undefined,
      terminate: () => undefined,
    };
  };
  const bytes = writeSafetensors(randomBertWeights(config, { seed: 46 }));
  const header = readSafetensorsHeader(bytes, bytes.byteLength);
  const { raws, hasPooler } = planEncoderWeights(config, new Map(header.tensors.map((t) => [t.name, t])), 'test');
  const engine = createKernelEngine(
    {
      config,
      hasPooler,
      file: new Blob([bytes as Uint8Array<ArrayBuffer>]),
      dataStart: header.dataStart,
      tensors: raws,
    },
    { threads: 2, spawn: unreadable },
  );
  try {
    await assert.rejects(engine.run(pad([seqs[1]!]), 'mean'), (e: unknown) => {
      assert.ok(e instanceof StorageError, String(e));
      assert.match(e.message, /could not be read: could not read the checkpoint file \(simulated/);
      assert.match(e.hint, /save the classifier again/);
      return true;
    });
  } finally {
    engine.dispose();
  }
});
