/**
 * The flat parameter vector the training kernel exchanges with JS (train.c, "Exchange layout"): which tensors, in
 * which order, with which shapes. Every tensor is in its TF.js variable's own layout (Linear weights [in, out]), so
 * reading the vector into the variables, or the variables into it, is a copy per tensor.
 */
import type { BertConfig } from '../config/types.ts';

/** One tensor of the vector: an encoder variable (by HF name) or the head's i-th trainable weight. */
export interface LayoutTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
  readonly part: 'encoder' | 'head';
}

export interface TrainShape {
  /** First trained layer (0 … layers − 1). */
  readonly trainFrom: number;
  /** Position / token-type embeddings and the embedding LayerNorm train too ('all'). */
  readonly embeddings: boolean;
  readonly pooler: boolean;
  /** Hidden units of a 'hidden' head, 0 for a linear head. */
  readonly headHidden: number;
  readonly classes: number;
}

export interface TrainLayout {
  readonly tensors: readonly LayoutTensor[];
  readonly size: number;
  /** Where the head's tensors start (they end the vector). */
  readonly headOffset: number;
}

const LAYER_TENSORS = [
  ['attention.self.query.weight', 'HH'],
  ['attention.self.query.bias', 'H'],
  ['attention.self.key.weight', 'HH'],
  ['attention.self.key.bias', 'H'],
  ['attention.self.value.weight', 'HH'],
  ['attention.self.value.bias', 'H'],
  ['attention.output.dense.weight', 'HH'],
  ['attention.output.dense.bias', 'H'],
  ['attention.output.LayerNorm.weight', 'H'],
  ['attention.output.LayerNorm.bias', 'H'],
  ['intermediate.dense.weight', 'HI'],
  ['intermediate.dense.bias', 'I'],
  ['output.dense.weight', 'IH'],
  ['output.dense.bias', 'H'],
  ['output.LayerNorm.weight', 'H'],
  ['output.LayerNorm.bias', 'H'],
] as const;

/** The layout for a model and what trains; the same order as train.c's bt_config. */
export function trainLayout(config: BertConfig, shape: TrainShape): TrainLayout {
  const H = config.hiddenSize;
  const I = config.intermediateSize;
  const dims = { H: [H], I: [I], HH: [H, H], HI: [H, I], IH: [I, H] } as const;
  const tensors: LayoutTensor[] = [];
  let offset = 0;
  const add = (name: string, dims: readonly number[], part: LayoutTensor['part']): void => {
    const size = dims.reduce((a, b) => a * b, 1);
    tensors.push({ name, shape: dims, offset, size, part });
    offset += size;
  };
  if (shape.embeddings) {
    add('embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, H], 'encoder');
    add('embeddings.token_type_embeddings.weight', [config.typeVocabSize, H], 'encoder');
    add('embeddings.LayerNorm.weight', [H], 'encoder');
    add('embeddings.LayerNorm.bias', [H], 'encoder');
  }
  for (let l = shape.trainFrom; l < config.numHiddenLayers; l++) {
    for (const [name, d] of LAYER_TENSORS) add(`encoder.layer.${l}.${name}`, dims[d], 'encoder');
  }
  if (shape.pooler) {
    add('pooler.dense.weight', [H, H], 'encoder');
    add('pooler.dense.bias', [H], 'encoder');
  }
  const headOffset = offset;
  if (shape.headHidden > 0) {
    add('head:0', [H, shape.headHidden], 'head');
    add('head:1', [shape.headHidden], 'head');
  }
  const n = shape.headHidden > 0 ? 2 : 0;
  add(`head:${n}`, [shape.headHidden > 0 ? shape.headHidden : H, shape.classes], 'head');
  add(`head:${n + 1}`, [shape.classes], 'head');
  return { tensors, size: offset, headOffset };
}
