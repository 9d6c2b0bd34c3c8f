/**
 * model.safetensors in BertForSequenceClassification's layout: "bert."-prefixed encoder (with pooler) and
 * classifier.weight [labels, hidden] / classifier.bias. Only called when hfExactness() says it is exact.
 */
import { ExportError } from '../errors.ts';
import { floatTensor, toFloat32 } from '../weights/dtype.ts';
import { writeSafetensors } from '../weights/safetensors.ts';
import type { RawTensor } from '../weights/types.ts';
import { hfExactness } from './exactness.ts';
import type { ExportSource } from './export-source.ts';

export function hfSafetensors(src: ExportSource, dtype: 'F32' | 'F16'): Uint8Array {
  const exactness = hfExactness(src);
  const dense = src.head.layers[0];
  if (!exactness.exact || !dense) {
    throw new ExportError(
      `This classifier cannot be exported as BertForSequenceClassification: ${exactness.reason}`,
      'use --format transformersjs or onnx (exact for every mean/cls/pooler classifier), or train with --pooling pooler and the linear head',
    );
  }
  const out: RawTensor[] = [];
  for (const [name, t] of src.encoder) {
    const bare = name.startsWith('bert.') ? name.slice('bert.'.length) : name;
    if (bare.startsWith('embeddings.') || bare.startsWith('encoder.') || bare.startsWith('pooler.')) {
      out.push(floatTensor(`bert.${bare}`, t.shape, toFloat32(t), dtype));
    }
  }
  // TF.js Dense kernel [hidden, labels] → torch Linear weight [labels, hidden]
  const { kernel, inputDim: inputs, units } = dense;
  const weight = new Float32Array(kernel.length);
  for (let i = 0; i < inputs; i++) for (let o = 0; o < units; o++) weight[o * inputs + i] = kernel[i * units + o]!;
  out.push(floatTensor('classifier.weight', [units, inputs], weight, dtype));
  out.push(floatTensor('classifier.bias', [units], dense.bias, dtype));
  return writeSafetensors(out, {
    format: 'pt',
    ...(src.manifest.encoder.random_init ? { browser_bert_fixture: 'random-init' } : {}),
  });
}
