/**
 * Prototype forward passes (bench only, never shipped) that reuse a project encoder's weights (its `variables`,
 * Linear weights stored [in, out]) to measure what a change in the attention layout would buy on wasm.
 *   - 'rank4':     one rank-4 transpose [B,S,3nH,dH]→[B,3nH,S,dH] + 3 slices (instead of a rank-5 transpose + split)
 *   - 'headslice': no transpose at all: per-head column slices of the fused QKV output, per-head attention, concat
 *   - 'rank4-jsembed': 'rank4' + the word/position/type embedding sum built in JS from a Float32Array copy of the
 *                  (frozen) tables, replacing tfjs-wasm's GatherV2 (one upload instead of gather + 2 adds)
 *   - 'headmajor':  transpose [B,S,3nH,dH]→[3nH,B,S,dH] (rank 4) so q, k, v are CONTIGUOUS slices (one memcpy each in
 *                  wasm's JS Slice, instead of B·nH·S row copies), mask as [1,B,1,S], merge with one rank-4 transpose
 *   - 'rank4-tidy': 'rank4' with a tf.tidy per sub-block (attention, FFN) so a layer's intermediates are freed as
 *                  soon as its output exists (peak memory ≈ one sub-block instead of the whole forward)
 * All keep the fused QKV product, with the fused weights built ONCE (not concatenated per forward).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from '@browser-bert/core';
import { activation, dense, layerNorm } from '@browser-bert/core/internal';
import type { Padded } from '../lib/batching';

export type VariantName = 'rank4' | 'headslice' | 'rank4-jsembed' | 'headmajor' | 'rank4-tidy';

export interface ProtoEncoder {
  forward(batch: Padded): { lastHiddenState: tf.Tensor3D };
  dispose(): void;
}

interface Layer {
  wqkv: tf.Tensor2D;
  bqkv: tf.Tensor1D;
  wo: tf.Tensor2D;
  bo: tf.Tensor1D;
  ln1g: tf.Tensor1D;
  ln1b: tf.Tensor1D;
  wi: tf.Tensor2D;
  bi: tf.Tensor1D;
  wout: tf.Tensor2D;
  bout: tf.Tensor1D;
  ln2g: tf.Tensor1D;
  ln2b: tf.Tensor1D;
}

export function createVariant(
  config: BertConfig,
  variables: ReadonlyMap<string, tf.Variable>,
  variant: VariantName,
): ProtoEncoder {
  const v = (n: string): tf.Tensor => {
    const t = variables.get(n);
    if (!t) throw new Error(`no variable ${n}`);
    return t;
  };
  const H = config.hiddenSize;
  const nH = config.numAttentionHeads;
  const dH = H / nH;
  const scale = 1 / Math.sqrt(dH);
  const eps = config.layerNormEps;
  const owned: tf.Tensor[] = [];
  const layers: Layer[] = [];
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const p = `encoder.layer.${i}.`;
    const [wqkv, bqkv] = tf.tidy(() => [
      tf.concat(
        [
          tf.mul(v(`${p}attention.self.query.weight`), scale),
          v(`${p}attention.self.key.weight`),
          v(`${p}attention.self.value.weight`),
        ],
        1,
      ),
      tf.concat(
        [
          tf.mul(v(`${p}attention.self.query.bias`), scale),
          v(`${p}attention.self.key.bias`),
          v(`${p}attention.self.value.bias`),
        ],
        0,
      ),
    ]);
    owned.push(wqkv!, bqkv!);
    layers.push({
      wqkv: wqkv as tf.Tensor2D,
      bqkv: bqkv as tf.Tensor1D,
      wo: v(`${p}attention.output.dense.weight`) as tf.Tensor2D,
      bo: v(`${p}attention.output.dense.bias`) as tf.Tensor1D,
      ln1g: v(`${p}attention.output.LayerNorm.weight`) as tf.Tensor1D,
      ln1b: v(`${p}attention.output.LayerNorm.bias`) as tf.Tensor1D,
      wi: v(`${p}intermediate.dense.weight`) as tf.Tensor2D,
      bi: v(`${p}intermediate.dense.bias`) as tf.Tensor1D,
      wout: v(`${p}output.dense.weight`) as tf.Tensor2D,
      bout: v(`${p}output.dense.bias`) as tf.Tensor1D,
      ln2g: v(`${p}output.LayerNorm.weight`) as tf.Tensor1D,
      ln2b: v(`${p}output.LayerNorm.bias`) as tf.Tensor1D,
    });
  }
  const wordEmb = v('embeddings.word_embeddings.weight') as tf.Tensor2D;
  const posEmb = v('embeddings.position_embeddings.weight') as tf.Tensor2D;
  const typeEmb = v('embeddings.token_type_embeddings.weight') as tf.Tensor2D;
  const embLnG = v('embeddings.LayerNorm.weight') as tf.Tensor1D;
  const embLnB = v('embeddings.LayerNorm.bias') as tf.Tensor1D;

  function attentionRank4(qkv: tf.Tensor2D, mask: tf.Tensor4D, B: number, S: number): tf.Tensor2D {
    const heads = tf.transpose(tf.reshape(qkv, [B, S, 3 * nH, dH]), [0, 2, 1, 3]); // [B, 3nH, S, dH]
    const q = tf.reshape(tf.slice(heads, [0, 0, 0, 0], [B, nH, S, dH]), [B * nH, S, dH]);
    const k = tf.reshape(tf.slice(heads, [0, nH, 0, 0], [B, nH, S, dH]), [B * nH, S, dH]);
    const vv = tf.reshape(tf.slice(heads, [0, 2 * nH, 0, 0], [B, nH, S, dH]), [B * nH, S, dH]);
    const scores = tf.reshape(tf.matMul(q, k, false, true), [B, nH, S, S]);
    const probs = tf.reshape(tf.softmax(tf.add(scores, mask)), [B * nH, S, S]);
    const ctx = tf.reshape(tf.matMul(probs, vv), [B, nH, S, dH]);
    return tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [B * S, H]);
  }

  function attentionHeadMajor(qkv: tf.Tensor2D, mask: tf.Tensor4D, B: number, S: number): tf.Tensor2D {
    const t = tf.transpose(tf.reshape(qkv, [B, S, 3 * nH, dH]), [2, 0, 1, 3]); // [3nH, B, S, dH]
    const part = (i: number) => tf.reshape(tf.slice(t, [i * nH, 0, 0, 0], [nH, B, S, dH]), [nH * B, S, dH]);
    const scores = tf.reshape(tf.matMul(part(0), part(1), false, true), [nH, B, S, S]);
    const probs = tf.reshape(tf.softmax(tf.add(scores, tf.reshape(mask, [1, B, 1, S]))), [nH * B, S, S]);
    const ctx = tf.reshape(tf.matMul(probs, part(2)), [nH, B, S, dH]);
    return tf.reshape(tf.transpose(ctx, [1, 2, 0, 3]), [B * S, H]); // [B, S, nH, dH]
  }

  function attentionHeadSlice(qkv: tf.Tensor2D, mask: tf.Tensor4D, B: number, S: number): tf.Tensor2D {
    const N = B * S;
    const mask3 = tf.reshape(mask, [B, 1, S]);
    const ctxs: tf.Tensor2D[] = [];
    for (let h = 0; h < nH; h++) {
      const q = tf.reshape(tf.slice(qkv, [0, h * dH], [N, dH]), [B, S, dH]);
      const k = tf.reshape(tf.slice(qkv, [0, H + h * dH], [N, dH]), [B, S, dH]);
      const vv = tf.reshape(tf.slice(qkv, [0, 2 * H + h * dH], [N, dH]), [B, S, dH]);
      const probs = tf.softmax(tf.add(tf.matMul(q, k, false, true), mask3));
      ctxs.push(tf.reshape(tf.matMul(probs, vv), [N, dH]));
    }
    return ctxs.length === 1 ? ctxs[0]! : tf.concat(ctxs, 1);
  }

  const jsTables =
    variant === 'rank4-jsembed'
      ? {
          word: wordEmb.dataSync() as Float32Array,
          pos: posEmb.dataSync() as Float32Array,
          type: typeEmb.dataSync() as Float32Array,
        }
      : undefined;

  /** Sum of word + position + token-type rows, gathered with typed-array copies (frozen tables). */
  function jsEmbedSum(batch: Padded): Float32Array {
    const { batchSize: B, seqLen: S } = batch;
    const t = jsTables!;
    const out = new Float32Array(B * S * H);
    for (let r = 0; r < B * S; r++) {
      const o = r * H;
      const w = batch.inputIds[r]! * H;
      const p = (r % S) * H;
      const ty = batch.tokenTypeIds[r]! * H;
      for (let k = 0; k < H; k++) out[o + k] = t.word[w + k]! + t.pos[p + k]! + t.type[ty + k]!;
    }
    return out;
  }

  function forward(batch: Padded): { lastHiddenState: tf.Tensor3D } {
    const { batchSize: B, seqLen: S } = batch;
    return tf.tidy(() => {
      const maskValues = new Float32Array(B * S);
      for (let i = 0; i < B * S; i++) maskValues[i] = batch.attentionMask[i] ? 0 : -1e9;
      const mask = tf.tensor4d(maskValues, [B, 1, 1, S]);
      let e: tf.Tensor;
      if (jsTables) e = tf.tensor2d(jsEmbedSum(batch), [B * S, H]);
      else {
        const words = tf.gather(wordEmb, tf.tensor1d(batch.inputIds, 'int32'));
        e = tf.add(tf.reshape(words, [B, S, H]), tf.slice(posEmb, [0, 0], [S, H]));
        e = tf.add(e, tf.slice(typeEmb, [0, 0], [1, H]));
      }
      let x = layerNorm(tf.reshape(e, [B * S, H]) as tf.Tensor2D, embLnG, embLnB, eps);
      for (const L of layers) {
        const attnBlock = (xin: tf.Tensor2D): tf.Tensor2D => {
          const qkv = dense(xin, L.wqkv, L.bqkv);
          const merged =
            variant === 'headslice'
              ? attentionHeadSlice(qkv, mask, B, S)
              : variant === 'headmajor'
                ? attentionHeadMajor(qkv, mask, B, S)
                : attentionRank4(qkv, mask, B, S);
          return layerNorm(tf.add(dense(merged, L.wo, L.bo), xin), L.ln1g, L.ln1b, eps);
        };
        const ffnBlock = (xin: tf.Tensor2D): tf.Tensor2D => {
          const inter = activation(dense(xin, L.wi, L.bi), config.hiddenAct);
          return layerNorm(tf.add(dense(inter, L.wout, L.bout), xin), L.ln2g, L.ln2b, eps);
        };
        if (variant === 'rank4-tidy') {
          const xin = x;
          x = tf.tidy(() => attnBlock(xin));
          const xa = x;
          x = tf.tidy(() => ffnBlock(xa));
        } else {
          x = ffnBlock(attnBlock(x));
        }
      }
      return { lastHiddenState: tf.reshape(x, [B, S, H]) as tf.Tensor3D };
    });
  }

  return {
    forward,
    dispose: () => {
      for (const t of owned) t.dispose();
    },
  };
}
