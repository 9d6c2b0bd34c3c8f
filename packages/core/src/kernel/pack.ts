/** BertEncoder weights → the kernel's layout (bert.c): slots by (kind, layer), Linear weights in panels of 8. */
import type * as tf from '@tensorflow/tfjs-core';
import type { BertConfig, HiddenAct } from '../config/types.ts';
import { UsageError } from '../errors.ts';
import { WORD_EMBEDDINGS } from '../encoder/weight-map.ts';
import type { KernelModelConfig, KernelSlot, KernelWeight } from './protocol.ts';

/** Panel width of bert.c (NR). */
export const PANEL = 8;

/** Activation codes of bert.c. */
export const ACT: Readonly<Record<HiddenAct, number>> = { gelu: 1, gelu_new: 2, relu: 3 };

/** Slot kinds of bert.c (enum W_*). */
const SLOT = {
  word: 0,
  position: 1,
  tokenType: 2,
  embLnG: 3,
  embLnB: 4,
  poolW: 5,
  poolB: 6,
  qkv: 16,
  qkvB: 17,
  o: 18,
  oB: 19,
  ln1G: 20,
  ln1B: 21,
  i: 22,
  iB: 23,
  out: 24,
  outB: 25,
  ln2G: 26,
  ln2B: 27,
} as const;

/** Why this model cannot run on the kernel, or undefined when it can. */
export function kernelUnsupportedReason(config: BertConfig): string | undefined {
  const dH = config.hiddenSize / config.numAttentionHeads;
  if (config.hiddenSize % 4 !== 0 || !Number.isInteger(dH) || dH % 4 !== 0) {
    return `the kernel needs hidden size and head size divisible by 4 (got ${config.hiddenSize} and ${dH})`;
  }
  if (config.numHiddenLayers > 64) return `the kernel supports at most 64 layers (got ${config.numHiddenLayers})`;
  return undefined;
}

export function kernelConfig(config: BertConfig, pooler: boolean): KernelModelConfig {
  return {
    vocab: config.vocabSize,
    hidden: config.hiddenSize,
    layers: config.numHiddenLayers,
    heads: config.numAttentionHeads,
    inter: config.intermediateSize,
    act: ACT[config.hiddenAct],
    eps: config.layerNormEps,
    maxPos: config.maxPositionEmbeddings,
    typeVocab: config.typeVocabSize,
    pooler,
  };
}

/** [in, out] row-major → panels(out) × in × PANEL, columns past `out` zero. */
export function packLinear(w: Float32Array, inDim: number, outDim: number): Float32Array {
  const np = Math.ceil(outDim / PANEL);
  const packed = new Float32Array(np * inDim * PANEL);
  for (let p = 0; p < np; p++) {
    for (let k = 0; k < inDim; k++) {
      const dst = (p * inDim + k) * PANEL;
      for (let c = 0; c < PANEL; c++) {
        const col = p * PANEL + c;
        if (col < outDim) packed[dst + c] = w[k * outDim + col]!;
      }
    }
  }
  return packed;
}

function padBias(b: Float32Array): Float32Array {
  const out = new Float32Array(Math.ceil(b.length / PANEL) * PANEL);
  out.set(b);
  return out;
}

/** The slot kind of the word-embedding table (left out of the image when the table is shared). */
export const WORD_SLOT = SLOT.word;

/**
 * The current values of the encoder's variables, read asynchronously: a synchronous read from a GPU backend
 * (WebGPU, WebGL) stalls the page and, on WebGPU, can lose the device (seen with SwiftShader).
 */
export async function readVariables(variables: ReadonlyMap<string, tf.Variable>): Promise<Map<string, Float32Array>> {
  const entries = await Promise.all(
    [...variables].map(async ([name, v]) => [name, (await v.data()) as Float32Array] as const),
  );
  return new Map(entries);
}

/** Packs the encoder's weights (HF names, Linear stored [in, out]) into every kernel slot's values. */
export function packEncoderWeights(
  config: BertConfig,
  values: ReadonlyMap<string, Float32Array>,
  pooler: boolean,
): KernelWeight[] {
  const read = (name: string): Float32Array => {
    const v = values.get(name);
    if (v === undefined) throw new UsageError(`The encoder has no weight "${name}" for the kernel`);
    return v;
  };
  const H = config.hiddenSize;
  const I = config.intermediateSize;
  const scale = 1 / Math.sqrt(H / config.numAttentionHeads);
  const out: KernelWeight[] = [];
  const put = (kind: number, layer: number, values: Float32Array): void => void out.push({ kind, layer, values });
  put(SLOT.word, 0, read(WORD_EMBEDDINGS));
  put(SLOT.position, 0, read('embeddings.position_embeddings.weight'));
  put(SLOT.tokenType, 0, read('embeddings.token_type_embeddings.weight'));
  put(SLOT.embLnG, 0, read('embeddings.LayerNorm.weight'));
  put(SLOT.embLnB, 0, read('embeddings.LayerNorm.bias'));
  if (pooler) {
    put(SLOT.poolW, 0, packLinear(read('pooler.dense.weight'), H, H));
    put(SLOT.poolB, 0, padBias(read('pooler.dense.bias')));
  }
  for (let l = 0; l < config.numHiddenLayers; l++) {
    const p = `encoder.layer.${l}.`;
    // Fused QKV [H, 3H] with the 1/√dH score scale folded into the query columns (as the TF.js encoder does).
    const q = read(`${p}attention.self.query.weight`);
    const k = read(`${p}attention.self.key.weight`);
    const v = read(`${p}attention.self.value.weight`);
    const qkv = new Float32Array(H * 3 * H);
    for (let r = 0; r < H; r++) {
      for (let c = 0; c < H; c++) {
        qkv[r * 3 * H + c] = q[r * H + c]! * scale;
        qkv[r * 3 * H + H + c] = k[r * H + c]!;
        qkv[r * 3 * H + 2 * H + c] = v[r * H + c]!;
      }
    }
    const qkvB = new Float32Array(3 * H);
    read(`${p}attention.self.query.bias`).forEach((x, c) => (qkvB[c] = x * scale));
    qkvB.set(read(`${p}attention.self.key.bias`), H);
    qkvB.set(read(`${p}attention.self.value.bias`), 2 * H);
    put(SLOT.qkv, l, packLinear(qkv, H, 3 * H));
    put(SLOT.qkvB, l, padBias(qkvB));
    put(SLOT.o, l, packLinear(read(`${p}attention.output.dense.weight`), H, H));
    put(SLOT.oB, l, padBias(read(`${p}attention.output.dense.bias`)));
    put(SLOT.ln1G, l, read(`${p}attention.output.LayerNorm.weight`));
    put(SLOT.ln1B, l, read(`${p}attention.output.LayerNorm.bias`));
    put(SLOT.i, l, packLinear(read(`${p}intermediate.dense.weight`), H, I));
    put(SLOT.iB, l, padBias(read(`${p}intermediate.dense.bias`)));
    put(SLOT.out, l, packLinear(read(`${p}output.dense.weight`), I, H));
    put(SLOT.outB, l, padBias(read(`${p}output.dense.bias`)));
    put(SLOT.ln2G, l, read(`${p}output.LayerNorm.weight`));
    put(SLOT.ln2B, l, read(`${p}output.LayerNorm.bias`));
  }
  return out;
}

/** A fresh buffer holding every weight back to back, and where each slot is in it (one per worker: transferable). */
export function weightImage(weights: readonly KernelWeight[]): { image: Float32Array; slots: KernelSlot[] } {
  const slots: KernelSlot[] = [];
  let offset = 0;
  for (const w of weights) {
    slots.push({ kind: w.kind, layer: w.layer, offset, length: w.values.length });
    offset += w.values.length;
  }
  const image = new Float32Array(offset);
  weights.forEach((w, i) => image.set(w.values, slots[i]!.offset));
  return { image, slots };
}
