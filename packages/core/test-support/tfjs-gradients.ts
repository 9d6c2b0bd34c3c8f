/**
 * Test helper: the TF.js fine-tuning path's loss and gradients for one batch (train/fine-tune.ts's forward: encoder →
 * pooling → head logits → class-weighted cross-entropy), without dropout, by tf.variableGrads — the cross-check of
 * the kernel trainer's gradients.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BertEncoder, PaddedBatch } from '../src/encoder/types';
import { headLogits, headVariables } from '../src/head/model';
import { poolOutput } from '../src/pooling/pool';
import { fineTuneVariables } from '../src/train/fine-tune';
import { weightedCrossEntropy } from '../src/train/loss';

export function tfjsGradients(
  encoder: BertEncoder,
  head: tfl.LayersModel,
  batch: PaddedBatch,
  labels: Int32Array,
  o: { layers: number | 'all'; pooling: 'mean' | 'cls' | 'pooler'; normalize: boolean; classWeights: Float32Array },
): { loss: number; grads: Map<string, Float32Array> } {
  const enc = fineTuneVariables(encoder, o.layers, o.pooling);
  const hv = headVariables(head);
  const vars = [...enc.values(), ...hv];
  const was = vars.map((v) => v.trainable);
  vars.forEach((v) => (v.trainable = true)); // so the fused QKV is built inside the forward (gradients flow)
  try {
    const { value, grads } = tf.variableGrads(() => {
      const out = encoder.forward(batch, { pooler: o.pooling === 'pooler', training: false });
      const mask = tf.tensor2d(batch.attentionMask, [batch.batchSize, batch.seqLen], 'int32');
      const pooled = poolOutput(out, mask, o.pooling, { normalize: o.normalize });
      const logits = headLogits(head, pooled, { training: false });
      return weightedCrossEntropy(logits, tf.tensor1d(labels, 'int32'), tf.tensor1d(o.classWeights));
    }, vars);
    const byVar = new Map<string, string>();
    for (const [name, v] of enc) byVar.set(v.name, name);
    hv.forEach((v, i) => byVar.set(v.name, `head:${i}`));
    const out = new Map<string, Float32Array>();
    for (const [vname, g] of Object.entries(grads)) out.set(byVar.get(vname)!, g.dataSync() as Float32Array);
    const loss = value.dataSync()[0]!;
    tf.dispose([value, ...Object.values(grads)]);
    return { loss, grads: out };
  } finally {
    vars.forEach((v, i) => (v.trainable = was[i]!));
  }
}

/** ‖a − b‖ / ‖b‖ (b the reference). */
export function relativeError(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return Math.sqrt(d) / Math.max(Math.sqrt(n), 1e-30);
}
