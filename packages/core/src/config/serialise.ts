/** BertConfig → HF config.json (the inverse of parse.ts for the fields BertModel reads). */
import { RANDOM_INIT_MARKER } from '../vocabulary.ts';
import type { BertConfig } from './types.ts';

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
