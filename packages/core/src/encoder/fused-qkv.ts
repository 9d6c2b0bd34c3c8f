/**
 * The fused [H, 3H] QKV weight (query part pre-scaled by 1/√dH). Frozen layers use a resident copy, so
 * wasm's XNNPACK keeps its packed operator (cached per weight tensor); it is rebuilt when a variable's value
 * changes (assign gives a new dataId). Trainable layers concatenate inside the forward, so gradients flow.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface QkvVariables {
  readonly wq: tf.Variable;
  readonly bq: tf.Variable;
  readonly wk: tf.Variable;
  readonly bk: tf.Variable;
  readonly wv: tf.Variable;
  readonly bv: tf.Variable;
}

function fuse(v: QkvVariables, scale: number): { w: tf.Tensor2D; b: tf.Tensor1D } {
  return {
    w: tf.concat([tf.mul(v.wq, scale), v.wk, v.wv], 1) as tf.Tensor2D,
    b: tf.concat([tf.mul(v.bq, scale), v.bk, v.bv], 0) as tf.Tensor1D,
  };
}

export class FusedQkv {
  private cached: { w: tf.Tensor2D; b: tf.Tensor1D; ids: readonly object[] } | undefined;
  constructor(
    private readonly vars: QkvVariables,
    private readonly scale: number,
  ) {}

  private all(): tf.Variable[] {
    const { wq, bq, wk, bk, wv, bv } = this.vars;
    return [wq, bq, wk, bk, wv, bv];
  }

  /** The fused weight and bias; owned by the cache when frozen, by the caller's tidy scope when trainable. */
  get(): { w: tf.Tensor2D; b: tf.Tensor1D } {
    const vars = this.all();
    if (vars.some((v) => v.trainable)) return fuse(this.vars, this.scale);
    const ids = vars.map((v) => v.dataId);
    if (this.cached === undefined || this.cached.ids.some((id, i) => id !== ids[i])) {
      this.dispose();
      const fused = tf.tidy(() => fuse(this.vars, this.scale));
      tf.keep(fused.w);
      tf.keep(fused.b);
      this.cached = { ...fused, ids };
    }
    return this.cached;
  }

  dispose(): void {
    if (this.cached !== undefined) tf.dispose([this.cached.w, this.cached.b]);
    this.cached = undefined;
  }
}
