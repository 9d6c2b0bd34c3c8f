import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../src/errors';
import { parseBertConfig } from '../../src/config/parse';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';

const FIX = 'data/format-fixtures/hf';

test(
  'real HF config.json files (MiniLM, bert-base, bert-tiny fine-tuned) parse to typed configs',
  { skip: skipUnlessShared(FIX) },
  () => {
    const read = (name: string): unknown => JSON.parse(readFileSync(sharedPath(`${FIX}/${name}/config.json`)!, 'utf8'));
    const mini = parseBertConfig(read('all-MiniLM-L6-v2'));
    assert.deepEqual(mini, {
      modelType: 'bert',
      vocabSize: 30522,
      hiddenSize: 384,
      numHiddenLayers: 6,
      numAttentionHeads: 12,
      intermediateSize: 1536,
      hiddenAct: 'gelu',
      layerNormEps: 1e-12,
      maxPositionEmbeddings: 512,
      typeVocabSize: 2,
      padTokenId: 0,
      positionEmbeddingType: 'absolute',
      hiddenDropoutProb: 0.1,
      attentionProbsDropoutProb: 0.1,
    });
    assert.equal(parseBertConfig(read('bert-base-uncased')).numHiddenLayers, 12);
    const tiny = parseBertConfig(read('bert-tiny-finetuned'));
    assert.equal(tiny.hiddenSize, 128);
    assert.equal(tiny.numAttentionHeads, 2);
  },
);

test("google's original miniature config (no model_type, no architectures) is BERT with HF defaults", () => {
  const c = parseBertConfig({
    hidden_size: 128,
    hidden_act: 'gelu',
    initializer_range: 0.02,
    vocab_size: 30522,
    hidden_dropout_prob: 0.1,
    num_attention_heads: 2,
    type_vocab_size: 2,
    max_position_embeddings: 512,
    num_hidden_layers: 2,
    intermediate_size: 512,
    attention_probs_dropout_prob: 0.1,
  });
  assert.equal(c.modelType, 'bert');
  assert.equal(c.layerNormEps, 1e-12);
  assert.equal(c.padTokenId, 0);
  assert.equal(parseBertConfig({}).hiddenSize, 768);
  assert.equal(parseBertConfig({ architectures: ['BertModel'] }).modelType, 'bert');
});

test('activation aliases map to the function HF computes', () => {
  assert.equal(parseBertConfig({ hidden_act: 'gelu_python' }).hiddenAct, 'gelu');
  assert.equal(parseBertConfig({ hidden_act: 'gelu_pytorch_tanh' }).hiddenAct, 'gelu_new');
  assert.equal(parseBertConfig({ hidden_act: 'gelu_fast' }).hiddenAct, 'gelu_new');
  assert.equal(parseBertConfig({ hidden_act: 'relu' }).hiddenAct, 'relu');
});

test('unsupported or invalid configs give a ConfigError that names the value and what is supported', () => {
  const bad = (json: unknown, re: RegExp): void =>
    assert.throws(
      () => parseBertConfig(json),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
    );
  bad({ hidden_act: 'swish' }, /hidden_act "swish" is not supported \(supported: gelu, gelu_python, gelu_new/);
  bad({ hidden_act: 42 }, /hidden_act 42/);
  bad({ model_type: 'roberta' }, /model_type "roberta" is not supported \(supported: bert\)/);
  bad({ architectures: ['DistilBertModel'] }, /"DistilBertModel" is not a BERT model/);
  bad({ hidden_size: 100, num_attention_heads: 12 }, /hidden_size 100 is not a multiple of num_attention_heads 12/);
  bad({ num_hidden_layers: 0 }, /"num_hidden_layers" must be a positive integer, got 0/);
  bad({ intermediate_size: 3.5 }, /"intermediate_size" must be a positive integer/);
  bad({ vocab_size: '30522' }, /"vocab_size" must be a positive integer, got "30522"/);
  bad({ position_embedding_type: 'relative_key' }, /position_embedding_type "relative_key" is not supported/);
  bad({ layer_norm_eps: -1 }, /layer_norm_eps/);
  bad({ pad_token_id: 40000 }, /pad_token_id/);
  bad({ hidden_dropout_prob: 1.5 }, /hidden_dropout_prob/);
  bad(null, /must be a JSON object, got null/);
  bad([1], /got an array/);
});
