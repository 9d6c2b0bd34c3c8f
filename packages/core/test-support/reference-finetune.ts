/**
 * An independent float64 fine-tuning loss: reference-bert.ts's BertModel forward per (unpadded) sequence, pooling
 * (mean / cls / pooler, optional L2 normalisation), the head ([dense ReLU] → dense logits) and the class-weighted
 * cross-entropy Σ wᵢ·CEᵢ / Σ wᵢ — written from the definitions, not from src/, for finite-difference gradient checks.
 * Weights: the checkpoint as a TensorMap of F64 tensors in HF layout (perturb one with `withTensor`).
 */
import type { RawTensor, TensorMap } from '../src/weights/types';
import { referenceForward, type RefConfig } from './reference-bert';

export interface RefHead {
  /** [in, units] row-major, as the tfjs-layers kernel. */
  readonly hidden?: { readonly w: Float64Array; readonly b: Float64Array; readonly units: number };
  readonly logits: { readonly w: Float64Array; readonly b: Float64Array };
  readonly classes: number;
}

export interface RefLossOptions {
  readonly pooling: 'mean' | 'cls' | 'pooler';
  readonly normalize: boolean;
  readonly classWeights: ArrayLike<number>;
}

function f64Tensor(name: string, shape: number[], values: Float64Array): RawTensor {
  return { name, dtype: 'F64', shape, data: new Uint8Array(values.buffer.slice(0)) };
}

/** The map with every tensor widened to F64 (exact). */
export function toF64Map(map: TensorMap): TensorMap {
  const out: TensorMap = new Map();
  for (const [name, t] of map) {
    if (t.dtype !== 'F32') throw new Error('toF64Map: F32 tensors only');
    const f32 = new Float32Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
    out.set(name, f64Tensor(name, [...t.shape], Float64Array.from(f32)));
  }
  return out;
}

/** The F64 values of one tensor. */
export function tensorValues(map: TensorMap, name: string): Float64Array {
  const t = map.get(name);
  if (t === undefined || t.dtype !== 'F64') throw new Error(`no F64 tensor ${name}`);
  return new Float64Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
}

/** A copy of the map with one tensor replaced. */
export function withTensor(map: TensorMap, name: string, values: Float64Array): TensorMap {
  const out = new Map(map);
  out.set(name, f64Tensor(name, [...map.get(name)!.shape], values));
  return out;
}

function dense(x: Float64Array, w: Float64Array, b: Float64Array, out: number): Float64Array {
  const y = Float64Array.from(b);
  for (let k = 0; k < x.length; k++) for (let o = 0; o < out; o++) y[o]! += x[k]! * w[k * out + o]!;
  return y;
}

export function referenceLoss(
  cfg: RefConfig,
  map: TensorMap,
  seqs: readonly Int32Array[],
  types: readonly Int32Array[],
  labels: ArrayLike<number>,
  head: RefHead,
  o: RefLossOptions,
): number {
  const H = cfg.hiddenSize;
  let num = 0;
  let den = 0;
  seqs.forEach((ids, i) => {
    const out = referenceForward(cfg, map, ids, types[i]);
    let v = new Float64Array(H);
    if (o.pooling === 'pooler') v = Float64Array.from(out.poolerOutput!);
    else if (o.pooling === 'cls') v = out.lastHiddenState.slice(0, H);
    else {
      for (let t = 0; t < ids.length; t++)
        for (let h = 0; h < H; h++) v[h]! += out.lastHiddenState[t * H + h]! / ids.length;
    }
    if (o.normalize) {
      const n = Math.max(Math.hypot(...v), 1e-12);
      v = v.map((x) => x / n);
    }
    let x = v;
    if (head.hidden) x = dense(x, head.hidden.w, head.hidden.b, head.hidden.units).map((a) => Math.max(a, 0));
    const z = dense(x, head.logits.w, head.logits.b, head.classes);
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((s, a) => s + Math.exp(a - m), 0));
    const w = o.classWeights[labels[i]!]!;
    num += w * (lse - z[labels[i]!]!);
    den += w;
  });
  return num / den;
}
