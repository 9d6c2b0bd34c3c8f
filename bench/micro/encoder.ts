/**
 * Encoder throughput on wasm in Node (a script, not a test): bert-tiny shape by default, random weights.
 *   node --import tsx bench/micro/encoder.ts [--hidden 128 --layers 2 --heads 2 --inter 512]
 *     [--batch 32,64] [--seq 32] [--rounds 5]
 *     [--sms N]   instead: embedTexts (mean pooling) over the first N SMS texts (../shared), one run per --batch
 *                 value, interleaved over --rounds rounds
 * Prints texts/s (median of rounds) and achieved GFLOP/s of the dense + attention matmuls.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import path from 'node:path';
import { useBackend } from '../../packages/core/src/runtime/backend';
import { parseBertConfig } from '../../packages/core/src/config';
import { randomBertWeights } from '../../packages/core/test-support/reference-bert';
import { createBertEncoder } from '../../packages/core/src/encoder/bert-encoder';
import type { PaddedBatch } from '../../packages/core/src/encoder/types';
import { readFileSync } from 'node:fs';
import { sharedPath } from '../../packages/core/test-support/shared';
import { smsTexts } from '../../packages/core/test-support/reference-bert';
import { createTokenizer } from '../../packages/core/src/tokenizer';
import { embedTexts } from '../../packages/core/src/features/embed';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

// Backend set up directly (not via node.ts) so this script only loads the encoder's own modules.
const wasmPaths =
  path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
const backend = await useBackend(arg('backend', 'wasm') as 'wasm' | 'cpu', { wasmPaths });
const config = parseBertConfig({
  hidden_size: Number(arg('hidden', '128')),
  num_hidden_layers: Number(arg('layers', '2')),
  num_attention_heads: Number(arg('heads', '2')),
  intermediate_size: Number(arg('inter', '512')),
});
const enc = createBertEncoder(config, randomBertWeights(config, { seed: 1 }));
const S = Number(arg('seq', '32'));
const rounds = Number(arg('rounds', '5'));
const H = config.hiddenSize;
const I = config.intermediateSize;
// FLOPs per token: QKV + out (4·H²) + FFN (2·H·I) multiply-adds, ×2; attention 2·S·H multiply-adds, ×2.
const flopsPerToken = 2 * (4 * H * H + 2 * H * I + 2 * S * H) * config.numHiddenLayers;
console.log(
  `backend ${backend}, threads ${String(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))}, ` +
    `simd ${String(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))}; H=${H} L=${config.numHiddenLayers} ` +
    `heads=${config.numAttentionHeads} I=${I} seq=${S}`,
);
if (process.argv.includes('--sms')) {
  const sms = sharedPath('data/sms-spam/SMSSpamCollection.tsv');
  const vocab = sharedPath('data/bert-base-uncased/vocab.txt');
  if (!sms || !vocab) throw new Error('needs ../shared/data (SMS corpus and vocab.txt)');
  const tokenizer = createTokenizer({ vocabTxt: readFileSync(vocab, 'utf8') });
  const texts = smsTexts(readFileSync(sms, 'utf8')).slice(0, Number(arg('sms', '5574')));
  const encodings = tokenizer.encodeBatch(texts, { maxLength: 128 });
  const tokens = encodings.reduce((n, e) => n + e.inputIds.length, 0);
  const sizes = arg('batch', '16,32,64,128').split(',').map(Number);
  const times = new Map<number, number[]>(sizes.map((b) => [b, []]));
  await embedTexts(enc, encodings.slice(0, 256), { pooling: 'mean' }); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const B of sizes) {
      // CPU time of this (single-threaded) process: on a shared, overloaded machine wall time mostly measures others.
      const c0 = process.cpuUsage();
      await embedTexts(enc, encodings, { pooling: 'mean', batchSize: B, maxTokensPerBatch: 1 << 20 });
      const c = process.cpuUsage(c0);
      times.get(B)!.push((c.user + c.system) / 1000);
    }
  }
  console.log(`${texts.length} SMS texts, ${tokens} real tokens, length-bucketed dynamic padding; CPU time:`);
  for (const [B, t] of times) {
    t.sort((a, b) => a - b);
    const med = t[Math.floor(t.length / 2)]!;
    const ffn = 2 * (4 * H * H + 2 * H * I) * config.numHiddenLayers * tokens;
    console.log(
      `batch ${String(B).padStart(3)}: ${(med / 1000).toFixed(2)} s (min ${(t[0]! / 1000).toFixed(2)}, max ` +
        `${(t.at(-1)! / 1000).toFixed(2)}), ${((texts.length * 1000) / med).toFixed(0)} texts/s, ` +
        `${(ffn / med / 1e6).toFixed(1)} GFLOP/s (dense, real tokens)`,
    );
  }
  enc.dispose();
  process.exit(0);
}
for (const B of arg('batch', '32,64').split(',').map(Number)) {
  const batch: PaddedBatch = {
    batchSize: B,
    seqLen: S,
    inputIds: Int32Array.from({ length: B * S }, (_, i) => 1000 + ((i * 7919) % 20000)),
    tokenTypeIds: new Int32Array(B * S),
    attentionMask: Int32Array.from({ length: B * S }, (_, i) => (i % S < S - (i % 5) ? 1 : 0)),
  };
  const run = (): void => {
    const out = enc.forward(batch);
    out.lastHiddenState.dataSync();
    out.lastHiddenState.dispose();
  };
  for (let i = 0; i < 3; i++) run();
  const times: number[] = [];
  const reps = Math.max(2, Math.round(2048 / B));
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run();
    times.push((performance.now() - t0) / reps);
  }
  times.sort((a, b) => a - b);
  const med = times[Math.floor(times.length / 2)]!;
  console.log(
    `batch ${B}×${S}: ${med.toFixed(2)} ms/batch (min ${times[0]!.toFixed(2)}), ` +
      `${((B * 1000) / med).toFixed(0)} texts/s, ${((flopsPerToken * B * S) / med / 1e6).toFixed(1)} GFLOP/s`,
  );
}
enc.dispose();
