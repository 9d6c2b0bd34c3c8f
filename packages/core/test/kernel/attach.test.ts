import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initNodeBackend } from '../../src/node';
import { parseBertConfig } from '../../src/config';
import { createBertEncoder } from '../../src/encoder/bert-encoder';
import { randomBertWeights } from '../../test-support/reference-bert';
import { withInference } from '../../src/kernel/attach';

test("withInference: 'auto' and 'wasm-simd' attach the kernel, 'tfjs' never, an unknown choice is refused", async () => {
  await initNodeBackend('wasm');
  const config = parseBertConfig({
    hidden_size: 128,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    intermediate_size: 512,
    vocab_size: 300,
    max_position_embeddings: 64,
  });
  const enc = createBertEncoder(config, randomBertWeights(config, { seed: 33 }));
  try {
    for (const inference of ['auto', 'wasm-simd'] as const) {
      const wrapped = withInference(enc, { inference, inferenceThreads: 3 });
      assert.equal(wrapped.inference?.name, 'wasm-simd');
      assert.equal(wrapped.inference?.threads, 3);
      assert.equal(wrapped.inference?.fallbackToTfjs, inference === 'auto');
      wrapped.inference!.dispose();
    }
    assert.equal(withInference(enc, { inference: 'tfjs' }), enc);
    assert.throws(() => withInference(enc, { inference: 'fast' as never }), /Unknown inference "fast"/);
  } finally {
    enc.dispose();
  }
});
