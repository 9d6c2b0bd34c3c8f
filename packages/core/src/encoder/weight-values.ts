/**
 * A checkpoint's tensors as the encoder holds them, without TF.js: every required tensor found (with or without the
 * "bert." prefix) and shape-checked before anything is converted, then each converted to float32, Linear weights
 * transposed to [in, out]. The TF.js encoder uploads these as variables; the kernel packs them directly.
 */
import type { BertConfig } from '../config/types.ts';
import { WeightsError } from '../errors.ts';
import { DTYPE_SIZE, numel, toFloat32 } from '../weights/dtype.ts';
import type { RawTensor, TensorInfo, TensorMap } from '../weights/types.ts';
import { detectPrefix, findWeight, poolerWeights, requiredWeights, takeWeight, type WeightSpec } from './weight-map.ts';

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

/** The tensors a BertModel needs, checked for presence and shape; the pooler's when the checkpoint has one. */
export function planEncoderWeights<T extends TensorInfo = RawTensor>(
  config: BertConfig,
  weights: ReadonlyMap<string, T>,
  where: string,
): { readonly specs: WeightSpec[]; readonly raws: T[]; readonly hasPooler: boolean } {
  const prefix = detectPrefix(weights);
  const hasPooler = poolerWeights(config).some((s) => findWeight(weights, prefix, s.name) !== undefined);
  const specs = encoderWeightSpecs(config, hasPooler);
  const raws = specs.map((s) => checkWeightTensor(s, takeWeight(weights, prefix, s, where), where));
  return { specs, raws, hasPooler };
}

/** The weights a BertModel needs, in a fixed order: the required ones, then the pooler's when it has one. */
export function encoderWeightSpecs(config: BertConfig, hasPooler: boolean): WeightSpec[] {
  return hasPooler ? [...requiredWeights(config), ...poolerWeights(config)] : requiredWeights(config);
}

/** `raw` when it can be converted for `spec`: a float dtype, and (when its bytes are there) as many as its shape needs. */
function checkWeightTensor<T extends TensorInfo>(spec: WeightSpec, raw: T, where: string): T {
  if (!FLOAT_DTYPES.has(raw.dtype)) {
    throw new WeightsError(
      `Tensor "${raw.name}" in ${where} has dtype ${raw.dtype}; encoder weights must be F32, F16, BF16 or F64`,
      'the file is not a BERT checkpoint, or it was quantised; use a float checkpoint',
    );
  }
  const bytes = numel(spec.shape) * DTYPE_SIZE[raw.dtype];
  const data = (raw as Partial<RawTensor>).data;
  if (data !== undefined && data.byteLength !== bytes) {
    throw new WeightsError(
      `Tensor "${raw.name}" in ${where} holds ${data.byteLength} bytes, expected ${bytes} for ${raw.dtype}[${spec.shape.join(', ')}]`,
      'the file is damaged or truncated; download or save it again',
    );
  }
  return raw;
}

/**
 * Where a (not transposed) tensor's float32 values are written, by canonical name: e.g. the word table straight into
 * shared memory, one copy instead of two. Undefined = a new Float32Array.
 */
export type Allocate = (name: string, length: number) => Float32Array | undefined;

/**
 * One tensor as the encoder stores it: float32, Linear transposed to [in, out]; with its stored shape. `raw` as
 * planEncoderWeights gives it (found, shape- and dtype-checked).
 */
export function weightValues(
  spec: WeightSpec,
  raw: RawTensor,
  allocate?: Allocate,
): { readonly values: Float32Array; readonly shape: number[] } {
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
  plan.specs.forEach((spec, k) => values.set(spec.name, weightValues(spec, plan.raws[k]!, allocate).values));
  return { values, hasPooler: plan.hasPooler };
}

/** [rows, cols] row-major → [cols, rows]. */
export function transpose2d(
  src: Float32Array,
  rows: number,
  cols: number,
  out: Float32Array = new Float32Array(src.length),
): Float32Array {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c]!;
  return out;
}
