/**
 * How a weight is stored in the ONNX file for each export dtype. The graph always computes in float32:
 * - float32: stored as is;
 * - float16: 2-D weights stored as IEEE half + a Cast to float (ONNX Runtime folds it at load);
 * - int8: 2-D weights stored as symmetric int8 with one float scale per output column (matrices) or per row
 *   (the word-embedding table, dequantised after the Gather so only the looked-up rows are expanded). The small
 *   position / token-type tables stay float32: they add the same offset to every text (position 0 is [CLS]), and
 *   that shift, multiplied by the head's folded 1/std, moved cls-pooled probabilities by 0.16 instead of 0.03.
 * 1-D tensors (biases, LayerNorm) stay float32 in every variant: they are a tiny part of the file.
 */
import { floatToHalf } from '../weights/dtype.ts';
import type { OnnxGraph } from './onnx-graph.ts';

export type ExportDType = 'float32' | 'float16' | 'int8';

const CAST_TO_FLOAT = 1; // onnx.TensorProto.DataType.FLOAT

function toHalf(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = floatToHalf(values[i]!);
  return out;
}

/** Symmetric int8 of a row-major [rows, cols] matrix, one scale per row (axis 0) or per column (axis 1). */
export function quantizeInt8(
  values: Float32Array,
  rows: number,
  cols: number,
  axis: 0 | 1,
): { q: Int8Array; scale: Float32Array } {
  const scale = new Float32Array(axis === 0 ? rows : cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const k = axis === 0 ? r : c;
      scale[k] = Math.max(scale[k]!, Math.abs(values[r * cols + c]!));
    }
  }
  for (let k = 0; k < scale.length; k++) scale[k] = scale[k]! > 0 ? scale[k]! / 127 : 1;
  const q = new Int8Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = scale[axis === 0 ? r : c]!;
      q[r * cols + c] = Math.max(-127, Math.min(127, Math.round(values[r * cols + c]! / s)));
    }
  }
  return { q, scale };
}

export class OnnxWeights {
  constructor(
    private readonly g: OnnxGraph,
    readonly dtype: ExportDType,
  ) {}

  /** A float32 vector (bias, LayerNorm parameter). */
  vector(name: string, values: Float32Array): string {
    return this.g.tensor(name, 'float32', [values.length], values);
  }

  /** A [rows, cols] matrix for MatMul / Gemm, as a float32 value. */
  matrix(name: string, values: Float32Array, rows: number, cols: number): string {
    const g = this.g;
    if (this.dtype === 'float32') return g.tensor(name, 'float32', [rows, cols], values);
    if (this.dtype === 'float16') {
      return g.op('Cast', [g.tensor(`${name}.fp16`, 'float16', [rows, cols], toHalf(values))], { to: CAST_TO_FLOAT });
    }
    const { q, scale } = quantizeInt8(values, rows, cols, 1);
    const asFloat = g.op('Cast', [g.tensor(`${name}.int8`, 'int8', [rows, cols], q)], { to: CAST_TO_FLOAT });
    return g.op('Mul', [asFloat, g.tensor(`${name}.scale`, 'float32', [cols], scale)], {}, name);
  }

  /**
   * Rows of an embedding table [rows, cols] picked by the int64 `ids` tensor: a float32 [...ids, cols] value.
   * `quantize: false` keeps an int8 variant's table in float32.
   */
  gatherRows(name: string, table: Float32Array, rows: number, cols: number, ids: string, quantize = true): string {
    const g = this.g;
    if (this.dtype === 'float32' || (this.dtype === 'int8' && !quantize))
      return g.op('Gather', [g.tensor(name, 'float32', [rows, cols], table), ids]);
    if (this.dtype === 'float16') {
      const t = g.tensor(`${name}.fp16`, 'float16', [rows, cols], toHalf(table));
      return g.op('Cast', [g.op('Gather', [t, ids])], { to: CAST_TO_FLOAT });
    }
    const { q, scale } = quantizeInt8(table, rows, cols, 0);
    const picked = g.op('Cast', [g.op('Gather', [g.tensor(`${name}.int8`, 'int8', [rows, cols], q), ids])], {
      to: CAST_TO_FLOAT,
    });
    const scales = g.op('Gather', [g.tensor(`${name}.scale`, 'float32', [rows], scale), ids]);
    return g.op('Mul', [picked, g.op('Unsqueeze', [scales, g.int64s('axis_last', [-1])])]);
  }
}
