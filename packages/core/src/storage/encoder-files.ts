/**
 * Encoder and tokenizer back to plain HF files: tf.Variables → HF-named tensors in PyTorch layout (Linear
 * weights [out, in]), BertConfig → config.json, Tokenizer → vocab.txt + tokenizer_config.json. Used to include a
 * fine-tuned encoder in a bundle, to copy an encoder, and by `convert`.
 */
import type { BertConfig } from '../config/types';
import { createBertEncoder, poolerWeights, requiredWeights } from '../encoder';
import { WORD_EMBEDDINGS } from '../encoder/weight-map';
import type { BertEncoder } from '../encoder/types';
import type { Tokenizer } from '../tokenizer/types';
import { floatTensor } from '../weights/dtype';
import type { TensorMap } from '../weights/types';

/** The fixture marker the hub reads (config.json "browser_bert_fixture"): keeps random-init models labelled. */
export const RANDOM_INIT_MARKER = { browser_bert_fixture: 'random-init' } as const;

function transpose2d(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c]!;
  return out;
}

/** The encoder's current weights as HF tensors (names without "bert.", PyTorch layout). */
export function encoderTensors(encoder: BertEncoder, dtype: 'F32' | 'F16' = 'F32'): TensorMap {
  const specs = [...requiredWeights(encoder.config), ...(encoder.hasPooler ? poolerWeights(encoder.config) : [])];
  const out: TensorMap = new Map();
  for (const spec of specs) {
    const v = encoder.variables.get(spec.name);
    const table = spec.name === WORD_EMBEDDINGS ? encoder.wordEmbeddings : undefined;
    if (!v && !table) continue;
    let values = table ?? (v!.dataSync() as Float32Array);
    if (spec.layout === 'linear') values = transpose2d(values, spec.shape[1]!, spec.shape[0]!);
    out.set(spec.name, floatTensor(spec.name, spec.shape, values, dtype));
  }
  return out;
}

/** An independent copy of an encoder (own variables): fine-tuning never changes the caller's model. */
export function cloneEncoder(encoder: BertEncoder): BertEncoder {
  return createBertEncoder(encoder.config, encoderTensors(encoder), { source: 'a copy of the loaded encoder' });
}

/** BertConfig → HF config.json. */
export function configJson(config: BertConfig, options: { randomInit: boolean }): Record<string, unknown> {
  return {
    architectures: ['BertModel'],
    model_type: config.modelType,
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    num_hidden_layers: config.numHiddenLayers,
    num_attention_heads: config.numAttentionHeads,
    intermediate_size: config.intermediateSize,
    hidden_act: config.hiddenAct,
    hidden_dropout_prob: config.hiddenDropoutProb ?? 0.1,
    attention_probs_dropout_prob: config.attentionProbsDropoutProb ?? 0.1,
    layer_norm_eps: config.layerNormEps,
    max_position_embeddings: config.maxPositionEmbeddings,
    type_vocab_size: config.typeVocabSize,
    pad_token_id: config.padTokenId,
    position_embedding_type: config.positionEmbeddingType,
    ...(options.randomInit ? RANDOM_INIT_MARKER : {}),
  };
}

/** Tokenizer → vocab.txt + tokenizer_config.json that rebuild the same tokenizer offline. */
export function tokenizerFiles(tokenizer: Tokenizer): { vocabTxt: string; tokenizerConfig: Record<string, unknown> } {
  const lines: string[] = [];
  for (let id = 0; id < tokenizer.vocabSize; id++) lines.push(tokenizer.idToToken(id) ?? `[unused${id}]`);
  const s = tokenizer.settings;
  return {
    vocabTxt: lines.join('\n') + '\n',
    tokenizerConfig: {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: s.doLowerCase,
      strip_accents: s.stripAccents,
      tokenize_chinese_chars: s.tokenizeChineseChars,
      unk_token: s.unkToken,
      sep_token: s.sepToken,
      pad_token: s.padToken,
      cls_token: s.clsToken,
      ...(s.maskToken === undefined ? {} : { mask_token: s.maskToken }),
      model_max_length: s.modelMaxLength,
    },
  };
}
