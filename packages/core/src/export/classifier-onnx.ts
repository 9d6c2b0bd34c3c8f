/**
 * The whole classifier as one ONNX model: input_ids, attention_mask, token_type_ids (int64 [batch, sequence])
 * → BertModel → the classifier's pooling (mean over real tokens / [CLS] / pooler) [→ L2 normalise] → the head's
 * Dense layers (standardisation already folded into the first) → `logits` [batch, labels]. softmax(logits) are
 * the probabilities of `classify()`; Transformers.js' text-classification pipeline applies that softmax.
 */
import type { BertConfig } from '../config/types.ts';
import { ExportError } from '../errors.ts';
import type { TensorMap } from '../weights/types.ts';
import { BertGraph, EncoderWeights } from './bert-graph.ts';
import type { PlainHead } from '../head/plain.ts';
import { OnnxGraph, type GraphIO } from './onnx-graph.ts';
import { OnnxWeights, type ExportDType } from './onnx-weights.ts';

export type ExportPooling = 'mean' | 'cls' | 'pooler';

export interface ClassifierGraphSpec {
  readonly config: BertConfig;
  /** HF encoder tensors (with or without "bert."; Linear weights [out, in]). */
  readonly encoder: TensorMap;
  readonly pooling: ExportPooling;
  readonly normalize: boolean;
  readonly head: PlainHead;
  readonly dtype: ExportDType;
  /** Stored in the model's metadata_props (labels, threshold, source …). */
  readonly metadata: Record<string, string>;
  readonly producerVersion: string;
}

const SYMBOLIC: readonly string[] = ['batch_size', 'sequence_length'];

function pool(g: OnnxGraph, bert: BertGraph, hidden: string, maskFloat: string, pooling: ExportPooling): string {
  if (pooling === 'mean') {
    const m = g.op('Unsqueeze', [maskFloat, g.int64s('axis2', [2])]); // [B, S, 1]
    const axis1 = g.int64s('axis1', [1]);
    const summed = g.op('ReduceSum', [g.op('Mul', [hidden, m]), axis1], { keepdims: 0 });
    const count = g.op('Max', [g.op('ReduceSum', [m, axis1], { keepdims: 0 }), g.float('count_floor', 1e-9)]);
    return g.op('Div', [summed, count], {}, 'mean_pooled');
  }
  const cls = g.op('Gather', [hidden, g.int64s('zero_i64', [0], [])], { axis: 1 }, 'cls_hidden');
  return pooling === 'cls' ? cls : bert.pooler(cls);
}

/** x / max(‖x‖₂, 1e-12) per row, like torch.nn.functional.normalize (and our pooling's normalize option). */
function l2Normalize(g: OnnxGraph, x: string): string {
  const norm = g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [x, x]), g.int64s('axis1', [1])], { keepdims: 1 })]);
  return g.op('Div', [x, g.op('Max', [norm, g.float('norm_floor', 1e-12)])], {}, 'normalized');
}

function head(g: OnnxGraph, x: string, plain: PlainHead, outputName: string): string {
  let h = x;
  plain.layers.forEach((d, i) => {
    const last = i === plain.layers.length - 1;
    const kernel = g.tensor(`classifier.${d.name}.kernel`, 'float32', [d.inputDim, d.units], d.kernel);
    const bias = g.tensor(`classifier.${d.name}.bias`, 'float32', [d.units], d.bias);
    h = g.op('Gemm', [h, kernel, bias], {}, last ? 'head_logits' : d.name);
    if (d.activation === 'relu') h = g.op('Relu', [h]);
  });
  return g.opTo('Identity', [h], outputName);
}

/** Serialised ONNX model of the classifier (opset 17, standard ops only). */
export function classifierOnnx(spec: ClassifierGraphSpec): Uint8Array {
  const { config } = spec;
  const H = config.hiddenSize;
  if (spec.head.inputDim !== H) {
    throw new ExportError(
      `The head takes ${spec.head.inputDim} features but the encoder gives ${H}`,
      'the bundle mixes files of two classifiers; save the classifier again',
    );
  }
  const g = new OnnxGraph();
  const logitsName = g.fresh('logits'); // the output name Transformers.js reads
  const inputs: GraphIO[] = ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({
    name: g.fresh(name),
    type: 'int64',
    dims: SYMBOLIC,
  }));
  const [inputIds, attentionMask, tokenTypeIds] = inputs.map((i) => i.name) as [string, string, string];
  const enc = new EncoderWeights(spec.encoder, config, 'the encoder of the classifier');
  if (spec.pooling === 'pooler' && !enc.has('pooler.dense.weight')) {
    throw new ExportError(
      "This classifier pools with 'pooler' but its encoder has no pooler.dense weights",
      'the bundle is inconsistent; train it again with mean or cls pooling',
    );
  }
  const bert = new BertGraph(g, new OnnxWeights(g, spec.dtype), enc);
  const { lastHiddenState, maskFloat } = bert.build({ inputIds, attentionMask, tokenTypeIds });
  let features = pool(g, bert, lastHiddenState, maskFloat, spec.pooling);
  if (spec.normalize) features = l2Normalize(g, features);
  const logits = head(g, features, spec.head, logitsName);
  return g.encode({
    inputs,
    outputs: [{ name: logits, type: 'float32', dims: ['batch_size', spec.head.classes] }],
    graphName: 'browser_bert_classifier',
    producer: { name: 'browser-bert', version: spec.producerVersion },
    docString:
      'Text classifier exported by browser-bert: BERT encoder + pooling + head; output logits (softmax = probabilities).',
    metadata: spec.metadata,
  });
}
