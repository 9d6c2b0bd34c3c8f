/**
 * A checkpoint's tensors as the encoder holds them, without TF.js: every required tensor found (with or without the
 * "bert." prefix) and shape-checked before anything is converted, then each converted to float32, Linear weights
 * transposed to [in, out]. The TF.js encoder uploads these as variables; the kernel packs them directly.
 */
import type { BertConfig } from '../config/types.ts';
import { WeightsError } from '../errors.ts';
import { numel, toFloat32 } from '../weights/dtype.ts';
import type { RawTensor, TensorMap } from '../weights/types.ts';
import { detectPrefix, findWeight, poolerWeights, requiredWeights, takeWeight, type WeightSpec } from './weight-map.ts';

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

/** The tensors a BertModel needs, checked for presence and shape; the pooler's when the checkpoint has one. */
export function planEncoderWeights(
  config: BertConfig,
  weights: TensorMap,
  where: string,
): { readonly specs: WeightSpec[]; readonly raws: RawTensor[]; readonly hasPooler: boolean } {
  const prefix = detectPrefix(weights);
  const specs = requiredWeights(config);
  const raws = specs.map((s) => takeWeight(weights, prefix, s, where));
  const poolSpecs = poolerWeights(config);
  const hasPooler = poolSpecs.some((s) => findWeight(weights, prefix, s.name) !== undefined);
  if (hasPooler) {
    for (const s of poolSpecs) raws.push(takeWeight(weights, prefix, s, where));
    specs.push(...poolSpecs);
  }
  return { specs, raws, hasPooler };
}

/**
 * Where a (not transposed) tensor's float32 values are written, by canonical name: e.g. the word table straight into
 * shared memory, one copy instead of two. Undefined = a new Float32Array.
 */
export type Allocate = (name: string, length: number) => Float32Array | undefined;

/** One tensor as the encoder stores it: float32, Linear transposed to [in, out]; with its stored shape. */
export function weightValues(
  spec: WeightSpec,
  raw: RawTensor,
  where: string,
  allocate?: Allocate,
): { readonly values: Float32Array; readonly shape: number[] } {
  if (!FLOAT_DTYPES.has(raw.dtype)) {
    throw new WeightsError(
      `Tensor "${raw.name}" in ${where} has dtype ${raw.dtype}; encoder weights must be F32, F16, BF16 or F64`,
      'the file is not a BERT checkpoint, or it was quantised; use a float checkpoint',
    );
  }
  if (spec.layout !== 'linear') {
    const into = allocate?.(spec.name, numel(spec.shape));
    return { values: toFloat32(raw, into), shape: [...spec.shape] };
  }
  const values = toFloat32(raw);
  return { values: transpose2d(values, spec.shape[0]!, spec.shape[1]!), shape: [spec.shape[1]!, spec.shape[0]!] };
}

/** Every weight as the encoder stores it, by canonical name (the kernel's input when there is no TF.js encoder). */
export function encoderWeightValues(
  config: BertConfig,
  weights: TensorMap,
  where: string,
  allocate?: Allocate,
): { readonly values: Map<string, Float32Array>; readonly hasPooler: boolean } {
  const plan = planEncoderWeights(config, weights, where);
  const values = new Map<string, Float32Array>();
  plan.specs.forEach((spec, k) => values.set(spec.name, weightValues(spec, plan.raws[k]!, where, allocate).values));
  return { values, hasPooler: plan.hasPooler };
}

/** [rows, cols] row-major → [cols, rows]. */
export function transpose2d(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c]!;
  return out;
}
