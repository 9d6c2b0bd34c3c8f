/**
 * The relaxed-SIMD build (fused multiply-add) in Node: Node 20's V8 has relaxed SIMD behind a flag, set here for
 * this test process only, so both builds run here. Inference against the float64 reference, training gradients
 * against TF.js's; and the feature detection (hasRelaxedSimd) follows the flag.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { initNodeBackend } from '../../src/node';
import { parseBertConfig } from '../../src/config';
import { createBertEncoder } from '../../src/encoder/bert-encoder';
import { createHead } from '../../src/head/model';
import { kernelWeightsOf } from '../../src/kernel/attach';
import { createKernelEngine } from '../../src/kernel/engine';
import { createKernelTrainer } from '../../src/kernel/trainer';
import { nodeKernelSpawner } from '../../src/kernel/node-spawn';
import { hasRelaxedSimd, kernelWasm } from '../../src/kernel/wasm';
import { mulberry32 } from '../../src/util/random';
import { randomBertWeights, referenceForward } from '../../test-support/reference-bert';
import { padSequences } from '../../test-support/pad';
import { relativeError, tfjsGradients } from '../../test-support/tfjs-gradients';

const supported = WebAssembly.validate(kernelWasm('relaxed'));
if (!supported) setFlagsFromString('--experimental-wasm-relaxed-simd');

before(async () => {
  await initNodeBackend('wasm');
});

const TINY = {
  hidden_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 512,
  vocab_size: 500,
  max_position_embeddings: 64,
  hidden_dropout_prob: 0,
  attention_probs_dropout_prob: 0,
};

function seqs(seed: number): Int32Array[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: 12 }, () =>
    Int32Array.from({ length: 2 + Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 500)),
  );
}

test('feature detection: relaxed SIMD is found once the runtime has it, and the relaxed kernel validates', () => {
  assert.equal(hasRelaxedSimd(), true);
  assert.equal(WebAssembly.validate(kernelWasm('relaxed')), true);
  assert.notDeepEqual(kernelWasm('relaxed'), kernelWasm('simd'));
});

test('relaxed-SIMD kernel: inference matches the float64 reference like the plain build', async () => {
  const config = parseBertConfig(TINY);
  const weights = randomBertWeights(config, { seed: 5 });
  const enc = createBertEncoder(config, weights);
  const texts = seqs(3);
  const worst: Record<string, number> = {};
  for (const variant of ['simd', 'relaxed'] as const) {
    const engine = createKernelEngine(kernelWeightsOf(enc), { threads: 1, spawn: nodeKernelSpawner, variant });
    try {
      assert.equal(engine.variant, variant);
      const r = await engine.run(padSequences(texts), 'mean');
      let d = 0;
      texts.forEach((ids, b) => {
        const ref = referenceForward(config, weights, ids).lastHiddenState;
        for (let h = 0; h < 128; h++) {
          let m = 0;
          for (let t = 0; t < ids.length; t++) m += ref[t * 128 + h]! / ids.length;
          d = Math.max(d, Math.abs(r.data[b * 128 + h]! - m));
        }
      });
      worst[variant] = d;
    } finally {
      engine.dispose();
    }
  }
  console.log(`# max |Δ| vs float64: simd ${worst.simd!.toExponential(2)}, relaxed ${worst.relaxed!.toExponential(2)}`);
  assert.ok(worst.simd! < 1e-4 && worst.relaxed! < 1e-4);
  enc.dispose();
});

test('relaxed-SIMD kernel: training gradients match TF.js’s (bert-tiny shape, all layers)', async () => {
  const config = parseBertConfig(TINY);
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 6 }));
  const head = createHead(128, 2, { dropout: 0, seed: 2 });
  const batch = padSequences(seqs(4));
  const labels = Int32Array.from({ length: 12 }, (_, i) => i % 2);
  const classWeights = Float32Array.of(1, 1);
  const o = { layers: 'all' as const, pooling: 'cls' as const, normalize: false, classWeights };
  const trainer = await createKernelTrainer({
    encoder: enc,
    head,
    ...o,
    headLearningRate: 1e-3,
    encoderLearningRate: 1e-4,
    clipNorm: 1,
    threads: 2,
    spawn: nodeKernelSpawner,
    variant: 'relaxed',
  });
  try {
    const k = await trainer.gradients(batch, labels, 0);
    const t = tfjsGradients(enc, head, batch, labels, o);
    let worst = 0;
    for (const [n, g] of t.grads)
      if (!n.endsWith('key.bias')) worst = Math.max(worst, relativeError(k.grads.get(n)!, g));
    console.log(
      `# relaxed: max relative gradient error vs TF.js ${worst.toExponential(2)} (key biases, ~0 by symmetry, left out)`,
    );
    assert.ok(worst < 2e-4);
  } finally {
    trainer.dispose();
    enc.dispose();
    head.dispose();
  }
});
