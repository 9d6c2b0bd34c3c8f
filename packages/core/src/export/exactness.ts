/**
 * Which export formats reproduce a classifier exactly, and why not when they don't. The ONNX graph (Transformers.js
 * and plain ONNX Runtime) carries any mean / cls / pooler classifier; HF's BertForSequenceClassification computes
 * classifier(dropout(pooler_output)), so it is exact only for pooler pooling, no L2 normalisation and a head that
 * is a single Dense layer (the standardisation folded into it).
 */
import type { ExportSource } from './export-source.ts';

export type ExportFormat = 'transformersjs' | 'onnx' | 'hf';

export interface Exactness {
  readonly format: ExportFormat;
  readonly exact: boolean;
  readonly reason: string;
}

export function hfExactness(src: Pick<ExportSource, 'pooling' | 'manifest' | 'head'>): Exactness {
  const why: string[] = [];
  if (src.pooling !== 'pooler') {
    why.push(
      `it pools with '${src.pooling}', while BertForSequenceClassification always classifies tanh(dense([CLS])) (the pooler)`,
    );
  }
  if (src.manifest.normalize)
    why.push('it L2-normalises the pooled vector, which BertForSequenceClassification does not');
  if (src.head.layers.length !== 1) {
    why.push(
      `its head has ${src.head.layers.length} Dense layers (hidden ReLU layer), BertForSequenceClassification one Linear`,
    );
  }
  return why.length === 0
    ? { format: 'hf', exact: true, reason: 'pooler pooling + one Linear layer = BertForSequenceClassification' }
    : { format: 'hf', exact: false, reason: `not exact: ${why.join('; ')}` };
}

/** Every format, exact or not, with the reason: printed by the CLI and written in the model card. */
export function exactnessReport(src: Pick<ExportSource, 'pooling' | 'manifest' | 'head'>): Exactness[] {
  const graph = `the ONNX graph holds the whole network: encoder, '${src.pooling}' pooling${
    src.manifest.normalize ? ', L2 normalisation' : ''
  } and the ${src.head.layers.length === 1 ? 'linear' : 'hidden-layer'} head`;
  return [
    { format: 'transformersjs', exact: true, reason: graph },
    { format: 'onnx', exact: true, reason: graph },
    hfExactness(src),
  ];
}
