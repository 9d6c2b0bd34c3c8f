/**
 * Embedding lookups in JS. On tfjs-backend-wasm 4.22, tf.gather of 1,024 rows from a 30k-row table takes ~5× longer
 * than copying the rows from a Float32Array and uploading them (measured; bench/FINDINGS.md agrees), and summing
 * word + position + token-type rows in JS saves two more kernels. The word table is a plain array (never a variable:
 * it is never trained); the position and token-type tables are variables whose JS copies are refreshed if a value is
 * ever replaced (assign gives a new dataId).
 */
import * as tf from '@tensorflow/tfjs-core';

/** A JS copy of one embedding variable, read on first use and kept in step with the variable. */
class TableCopy {
  private dataId: object | undefined;
  private values: Float32Array | undefined;
  constructor(readonly variable: tf.Variable) {}
  get table(): Float32Array {
    if (this.values === undefined || this.variable.dataId !== this.dataId) {
      this.values = this.variable.dataSync() as Float32Array;
      this.dataId = this.variable.dataId;
    }
    return this.values;
  }
}

export class EmbeddingLookup {
  private readonly position: TableCopy;
  private readonly tokenType: TableCopy;
  constructor(
    /** The word table itself (frozen, not a variable: see BertEncoder.wordEmbeddings). */
    private readonly wordTable: Float32Array,
    tables: Record<'position' | 'tokenType', tf.Variable>,
    private readonly hidden: number,
  ) {
    this.position = new TableCopy(tables.position);
    this.tokenType = new TableCopy(tables.tokenType);
  }

  /** [ids.length, hidden] word-embedding rows. */
  words(ids: Int32Array): tf.Tensor2D {
    const H = this.hidden;
    const table = this.wordTable;
    const out = new Float32Array(ids.length * H);
    for (let i = 0; i < ids.length; i++) out.set(table.subarray(ids[i]! * H, ids[i]! * H + H), i * H);
    return tf.tensor2d(out, [ids.length, H]);
  }

  /** True when position and token-type tables are frozen, so `sum` may be used. */
  get canSum(): boolean {
    return !this.position.variable.trainable && !this.tokenType.variable.trainable;
  }

  /** word + position + token-type embeddings of a [batch, seq] batch as one [batch·seq, hidden] tensor. */
  sum(ids: Int32Array, types: Int32Array, seqLen: number): tf.Tensor2D {
    const H = this.hidden;
    const [w, p, t] = [this.wordTable, this.position.table, this.tokenType.table];
    const out = new Float32Array(ids.length * H);
    for (let i = 0; i < ids.length; i++) {
      const wo = ids[i]! * H;
      const po = (i % seqLen) * H;
      const to = types[i]! * H;
      const o = i * H;
      for (let h = 0; h < H; h++) out[o + h] = w[wo + h]! + p[po + h]! + t[to + h]!;
    }
    return tf.tensor2d(out, [ids.length, H]);
  }
}
