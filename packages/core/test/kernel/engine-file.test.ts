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
import { BackendError } from '../../src/errors';
import { planEncoderWeights } from '../../src/encoder/weight-values';
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

function fileEngine(config: BertConfig, bytes: Uint8Array, threads: number, shareWordTable: boolean) {
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
    { threads, spawn: nodeKernelSpawner, shareWordTable },
  );
}

const rnd = mulberry32(41);
const seqs = Array.from({ length: 7 }, (_, i) =>
  Int32Array.from({ length: i === 0 ? 1 : 2 + Math.floor(rnd() * 30) }, () => Math.floor(rnd() * 300)),
);

/** Max |Δ| of the engine's mean and pooler outputs against the float64 reference (spread over the workers). */
async function diffToReference(
  config: BertConfig,
  weights: TensorMap,
  bytes: Uint8Array,
  threads: number,
  share: boolean,
) {
  const engine = fileEngine(config, bytes, threads, share);
  try {
    const H = config.hiddenSize;
    // one batch per sequence, all at once: every worker gets some
    const outs = await Promise.all(
      seqs.map(async (ids) => {
        const batch = pad([ids]);
        return [await engine.run(batch, 'mean'), await engine.run(batch, 'pooler')] as const;
      }),
    );
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
    const d = await diffToReference(config, weights, writeSafetensors(weights), threads, share);
    assert.ok(d <= 1e-4, `max |Δ| ${d}`);
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
      assert.match(e.message, /the checkpoint file ends before tensor/);
      return true;
    });
    await assert.rejects(engine.run(batch, 'mean'), BackendError);
  } finally {
    engine.dispose();
  }
});
