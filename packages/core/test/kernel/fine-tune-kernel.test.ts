/**
 * fineTune on the kernel against fineTune on TF.js, same seeds: without dropout the two runs are the same
 * computation (per-epoch losses agree to float32 rounding through Adam); with dropout the masks differ (each engine
 * has its own generator), so the final loss is compared within a stated statistical tolerance; kernel runs are
 * reproducible; cancellation between steps stops the workers and leaks nothing.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/node';
import { parseBertConfig } from '../../src/config';
import { createBertEncoder } from '../../src/encoder/bert-encoder';
import { createHead } from '../../src/head/model';
import { nodeKernelSpawner } from '../../src/kernel/node-spawn';
import { createRng } from '../../src/util/random';
import { fineTune, type FineTuneOptions, type FineTuneResult } from '../../src/train/fine-tune';
import type { Encoding } from '../../src/tokenizer/types';
import { randomBertWeights } from '../../test-support/reference-bert';

before(async () => {
  await initNodeBackend('wasm');
});

/** Two classes told apart by which half of the vocabulary their tokens come from. */
function corpus(n: number, vocab: number, seed: number): { encodings: Encoding[]; labels: Int32Array } {
  const rng = createRng(seed);
  const labels = new Int32Array(n);
  const encodings = Array.from({ length: n }, (_, i) => {
    labels[i] = i % 2;
    const len = 4 + Math.floor(rng.next() * 20);
    const half = vocab / 2 - 2;
    const ids = Int32Array.from({ length: len }, (_, t) =>
      t === 0 ? 1 : 2 + (i % 2) * half + Math.floor(rng.next() * half),
    );
    return { inputIds: ids, tokenTypeIds: new Int32Array(len) };
  });
  return { encodings, labels };
}

const SHAPE = {
  hidden_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 128,
  vocab_size: 200,
  max_position_embeddings: 64,
};

async function run(
  engine: 'kernel' | 'tfjs',
  dropout: number,
  extra: Partial<FineTuneOptions> = {},
  threads = 2,
): Promise<FineTuneResult> {
  const config = parseBertConfig({ ...SHAPE, hidden_dropout_prob: dropout, attention_probs_dropout_prob: dropout });
  const encoder = createBertEncoder(config, randomBertWeights(config, { seed: 4 }));
  const head = createHead(64, 2, { dropout, seed: 6 });
  const { encodings, labels } = corpus(192, 200, 8);
  try {
    return await fineTune(
      {
        encoder,
        head,
        encodings,
        pooling: 'mean',
        normalize: false,
        layers: 'all',
        epochs: 2,
        batchSize: 16,
        headLearningRate: 1e-3,
        encoderLearningRate: 1e-4,
        clipNorm: 1,
        classWeights: Float32Array.of(1, 1.5),
        patience: 0,
        seed: 12,
        engine,
        kernelThreads: threads,
        kernelSpawner: nodeKernelSpawner,
        ...extra,
      },
      { rows: Array.from({ length: 160 }, (_, i) => i), labels },
      { rows: Array.from({ length: 32 }, (_, i) => 160 + i), labels },
    );
  } finally {
    encoder.dispose();
    head.dispose();
  }
}

test('without dropout, fine-tuning on the kernel ends at the TF.js path’s losses (2 epochs, all layers)', async () => {
  const tensors = tf.memory().numTensors;
  const k = await run('kernel', 0);
  const t = await run('tfjs', 0);
  assert.equal(k.engine, 'kernel');
  assert.equal(t.engine, 'tfjs');
  for (let e = 0; e < 2; e++) {
    const [kh, th] = [k.history[e]!, t.history[e]!];
    console.log(
      `# epoch ${e + 1}: train loss kernel ${kh.trainLoss.toFixed(6)} tfjs ${th.trainLoss.toFixed(6)}; validation ${kh.valLoss.toFixed(6)} vs ${th.valLoss.toFixed(6)}`,
    );
    assert.ok(Math.abs(kh.trainLoss - th.trainLoss) < 1e-3 * th.trainLoss, `epoch ${e + 1} train loss`);
    assert.ok(Math.abs(kh.valLoss - th.valLoss) < 1e-3 * th.valLoss, `epoch ${e + 1} validation loss`);
    assert.equal(kh.trainAccuracy, th.trainAccuracy);
  }
  assert.equal(tf.memory().numTensors, tensors, 'no tensors leaked');
});

test('with dropout 0.1, the kernel’s seeded run is reproducible and ends within 5 % of the TF.js path’s loss', async () => {
  const a = await run('kernel', 0.1);
  const b = await run('kernel', 0.1);
  const one = await run('kernel', 0.1, {}, 1);
  const t = await run('tfjs', 0.1);
  // as in a page that is not cross-origin isolated (no SharedArrayBuffer at all): parameters copied to each worker
  // per step, a word table each
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  const sab = g.SharedArrayBuffer;
  g.crossOriginIsolated = false;
  delete g.SharedArrayBuffer;
  let copied: FineTuneResult;
  try {
    copied = await run('kernel', 0.1);
  } finally {
    delete g.crossOriginIsolated;
    g.SharedArrayBuffer = sab;
  }
  assert.deepEqual(
    a.history.map((h) => h.trainLoss),
    b.history.map((h) => h.trainLoss),
    'same seed, same losses',
  );
  assert.deepEqual(
    copied.history.map((h) => h.trainLoss),
    a.history.map((h) => h.trainLoss),
    'shared or copied parameters: the same run',
  );
  // One worker or two: the same masks (keyed by example), only the gradient sum's order differs.
  assert.ok(Math.abs(one.history[1]!.trainLoss - a.history[1]!.trainLoss) < 1e-4, 'threads do not change the run');
  const [kl, tl] = [a.history[1]!.trainLoss, t.history[1]!.trainLoss];
  console.log(`# dropout 0.1, epoch 2 train loss: kernel ${kl.toFixed(5)}, TF.js ${tl.toFixed(5)}`);
  assert.ok(Math.abs(kl - tl) < 0.05 * tl, `kernel ${kl} vs TF.js ${tl}`);
});

test('cancelling between steps rejects with CANCELLED, terminates the kernel workers and leaks nothing', async () => {
  const tensors = tf.memory().numTensors;
  const ac = new AbortController();
  let terminated = 0;
  const spawner: typeof nodeKernelSpawner = (src) => {
    const w = nodeKernelSpawner(src);
    return { ...w, terminate: () => (terminated++, w.terminate()) };
  };
  await assert.rejects(
    run('kernel', 0.1, {
      kernelSpawner: spawner,
      onBatch: (done) => {
        if (done === 3) ac.abort();
      },
      signal: ac.signal,
    }),
    (e: Error & { code?: string }) => e.code === 'CANCELLED',
  );
  assert.equal(terminated, 2, 'both workers terminated');
  assert.equal(tf.memory().numTensors, tensors, 'no tensors leaked');
});
