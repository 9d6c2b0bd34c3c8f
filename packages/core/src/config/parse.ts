import { ConfigError, show } from '../errors.ts';
import type { BertConfig, HiddenAct } from './types.ts';

const MAX_DIM = 2 ** 31 - 1;

/** HF transformers BertConfig defaults (used for keys absent from config.json, as HF does). */
const DEFAULTS = {
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
  pad_token_id: 0,
  position_embedding_type: 'absolute',
} as const;

/**
 * hidden_act names of HF's ACT2FN that compute one of our three functions:
 * gelu_python is erf-GELU written in Python; gelu_pytorch_tanh and gelu_fast are the tanh approximation (= gelu_new).
 */
const ACTIVATIONS: Readonly<Record<string, HiddenAct>> = {
  gelu: 'gelu',
  gelu_python: 'gelu',
  gelu_new: 'gelu_new',
  gelu_pytorch_tanh: 'gelu_new',
  gelu_fast: 'gelu_new',
  relu: 'relu',
};

/** model_type values whose checkpoints use BertModel's architecture and tensor names. */
const BERT_MODEL_TYPES = new Set(['bert']);

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function positiveInt(c: Record<string, unknown>, key: keyof typeof DEFAULTS): number {
  const v = c[key] ?? DEFAULTS[key];
  // ≤ 2^31 - 1: every size here becomes a tensor dimension (int32 in TF.js and the kernel)
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > MAX_DIM) {
    throw new ConfigError(
      `config.json: "${key}" must be a positive integer, got ${show(v)} (at most ${MAX_DIM})`,
      'use the config.json saved with the model (save_pretrained)',
    );
  }
  return v;
}

function probability(c: Record<string, unknown>, key: keyof typeof DEFAULTS): number {
  const v = c[key] ?? DEFAULTS[key];
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
    throw new ConfigError(`config.json: "${key}" must be a number in [0, 1), got ${show(v)}`);
  }
  return v;
}

function checkModelType(c: Record<string, unknown>): string {
  const mt = c.model_type;
  const archs = Array.isArray(c.architectures) ? c.architectures.filter((a) => typeof a === 'string') : [];
  if (mt === undefined || mt === null) {
    // google's original BERT miniatures (e.g. bert_uncased_L-2_H-128_A-2) ship a config.json without
    // model_type or architectures; accept those, and anything whose architectures are Bert* classes.
    const foreign = archs.find((a) => !a.startsWith('Bert'));
    if (foreign !== undefined) {
      throw new ConfigError(
        `config.json has no "model_type" and its architecture "${foreign}" is not a BERT model`,
        'browser-bert runs BERT-family encoders (model_type "bert"), e.g. bert-tiny, bert-mini, MiniLM',
      );
    }
    return 'bert';
  }
  if (typeof mt !== 'string' || !BERT_MODEL_TYPES.has(mt)) {
    throw new ConfigError(
      `config.json: model_type ${show(mt)} is not supported (supported: ${[...BERT_MODEL_TYPES].join(', ')})`,
      'browser-bert runs BERT-family encoders with model_type "bert" (bert-tiny, bert-mini, MiniLM, all-MiniLM-L6-v2 …)',
    );
  }
  return mt;
}

/** Parses an HF BERT config.json (already JSON.parse'd) into a validated, typed BertConfig. */
export function parseBertConfig(json: unknown): BertConfig {
  if (!isRecord(json)) {
    throw new ConfigError(
      `config.json must be a JSON object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`,
      "pass the parsed contents of the model folder's config.json",
    );
  }
  const modelType = checkModelType(json);
  const rawAct = json.hidden_act ?? DEFAULTS.hidden_act;
  const hiddenAct = typeof rawAct === 'string' ? ACTIVATIONS[rawAct] : undefined;
  if (hiddenAct === undefined) {
    throw new ConfigError(
      `config.json: hidden_act ${show(rawAct)} is not supported (supported: ${Object.keys(ACTIVATIONS).join(', ')})`,
      'browser-bert implements erf-GELU, tanh-GELU and ReLU BERT encoders',
    );
  }
  const pet = json.position_embedding_type ?? DEFAULTS.position_embedding_type;
  if (pet !== 'absolute') {
    throw new ConfigError(
      `config.json: position_embedding_type ${show(pet)} is not supported (supported: absolute)`,
      'relative position embeddings (relative_key, relative_key_query) are not implemented',
    );
  }
  const hiddenSize = positiveInt(json, 'hidden_size');
  const numAttentionHeads = positiveInt(json, 'num_attention_heads');
  if (hiddenSize % numAttentionHeads !== 0) {
    throw new ConfigError(
      `config.json: hidden_size ${hiddenSize} is not a multiple of num_attention_heads ${numAttentionHeads}`,
      'use the config.json saved with the model',
    );
  }
  const eps = json.layer_norm_eps ?? DEFAULTS.layer_norm_eps;
  if (typeof eps !== 'number' || !(eps > 0) || !Number.isFinite(eps)) {
    throw new ConfigError(`config.json: "layer_norm_eps" must be a positive number, got ${show(eps)}`);
  }
  const vocabSize = positiveInt(json, 'vocab_size');
  const pad = json.pad_token_id ?? DEFAULTS.pad_token_id;
  if (typeof pad !== 'number' || !Number.isInteger(pad) || pad < 0 || pad >= vocabSize) {
    throw new ConfigError(
      `config.json: "pad_token_id" must be an integer in [0, vocab_size=${vocabSize}), got ${show(pad)}`,
    );
  }
  return {
    modelType,
    vocabSize,
    hiddenSize,
    numHiddenLayers: positiveInt(json, 'num_hidden_layers'),
    numAttentionHeads,
    intermediateSize: positiveInt(json, 'intermediate_size'),
    hiddenAct,
    layerNormEps: eps,
    maxPositionEmbeddings: positiveInt(json, 'max_position_embeddings'),
    typeVocabSize: positiveInt(json, 'type_vocab_size'),
    padTokenId: pad,
    positionEmbeddingType: 'absolute',
    hiddenDropoutProb: probability(json, 'hidden_dropout_prob'),
    attentionProbsDropoutProb: probability(json, 'attention_probs_dropout_prob'),
  };
}
