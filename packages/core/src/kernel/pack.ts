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

/** One weight's part in a slot: its canonical HF name, first output column in the slot, and a factor. */
export interface SlotPart {
  readonly name: string;
  readonly col0: number;
  readonly scale: number;
}

/**
 * How one kernel slot is made from the encoder's weights: a copy ('as-is'), a bias padded to PANEL columns, or a
 * Linear weight packed in panels (`in` rows; each part's [out, in] / [in, out] weight gives some output columns).
 */
export type SlotPlan =
  | { readonly kind: number; readonly layer: number; readonly how: 'as-is'; readonly name: string }
  | { readonly kind: number; readonly layer: number; readonly how: 'bias'; readonly parts: readonly SlotPart[] }
  | {
      readonly kind: number;
      readonly layer: number;
      readonly how: 'linear';
      readonly in: number;
      readonly out: number;
      readonly parts: readonly (SlotPart & { readonly out: number })[];
    };

/**
 * Every slot of bert.c and what fills it — the one map from HF weights to the kernel's layout, read by
 * packEncoderImage (values here) and by a worker that packs a checkpoint's Linear weights in the kernel
 * (bb_pack_linear). The query's weights and bias carry the 1/√dH score scale (as the TF.js encoder folds it).
 */
export function slotPlan(config: BertConfig, pooler: boolean): SlotPlan[] {
  const H = config.hiddenSize;
  const I = config.intermediateSize;
  // float32, as bb_pack_linear's parameter is: the JS and kernel packers then round each product once, alike
  const scale = Math.fround(1 / Math.sqrt(H / config.numAttentionHeads));
  const plan: SlotPlan[] = [];
  const asIs = (kind: number, layer: number, name: string) => plan.push({ kind, layer, how: 'as-is', name });
  const one = (name: string, s = 1): SlotPart => ({ name, col0: 0, scale: s });
  const linear = (kind: number, layer: number, name: string, inDim: number, out: number) =>
    plan.push({ kind, layer, how: 'linear', in: inDim, out, parts: [{ ...one(`${name}.weight`), out }] });
  const bias = (kind: number, layer: number, name: string) =>
    plan.push({ kind, layer, how: 'bias', parts: [one(`${name}.bias`)] });
  asIs(SLOT.word, 0, WORD_EMBEDDINGS);
  asIs(SLOT.position, 0, 'embeddings.position_embeddings.weight');
  asIs(SLOT.tokenType, 0, 'embeddings.token_type_embeddings.weight');
  asIs(SLOT.embLnG, 0, 'embeddings.LayerNorm.weight');
  asIs(SLOT.embLnB, 0, 'embeddings.LayerNorm.bias');
  if (pooler) {
    linear(SLOT.poolW, 0, 'pooler.dense', H, H);
    bias(SLOT.poolB, 0, 'pooler.dense');
  }
  for (let l = 0; l < config.numHiddenLayers; l++) {
    const p = `encoder.layer.${l}.`;
    const qkv = (suffix: string) =>
      (['query', 'key', 'value'] as const).map((m, i) => ({
        name: `${p}attention.self.${m}.${suffix}`,
        col0: i * H,
        scale: m === 'query' ? scale : 1,
        out: H,
      }));
    plan.push({ kind: SLOT.qkv, layer: l, how: 'linear', in: H, out: 3 * H, parts: qkv('weight') });
    plan.push({ kind: SLOT.qkvB, layer: l, how: 'bias', parts: qkv('bias') });
    linear(SLOT.o, l, `${p}attention.output.dense`, H, H);
    bias(SLOT.oB, l, `${p}attention.output.dense`);
    asIs(SLOT.ln1G, l, `${p}attention.output.LayerNorm.weight`);
    asIs(SLOT.ln1B, l, `${p}attention.output.LayerNorm.bias`);
    linear(SLOT.i, l, `${p}intermediate.dense`, H, I);
    bias(SLOT.iB, l, `${p}intermediate.dense`);
    linear(SLOT.out, l, `${p}output.dense`, I, H);
    bias(SLOT.outB, l, `${p}output.dense`);
    asIs(SLOT.ln2G, l, `${p}output.LayerNorm.weight`);
    asIs(SLOT.ln2B, l, `${p}output.LayerNorm.bias`);
  }
  return plan;
}

/** The slot's bias: its parts side by side (each × its scale), zero-padded to whole panels. */
export function packBias(parts: readonly SlotPart[], read: (name: string) => Float32Array): Float32Array {
  const values = parts.map((part) => read(part.name));
  const width = Math.max(...parts.map((part, i) => part.col0 + values[i]!.length));
  const out = new Float32Array(Math.ceil(width / PANEL) * PANEL);
  parts.forEach((part, i) => values[i]!.forEach((x, c) => (out[part.col0 + c] = x * part.scale)));
  return out;
}

/** Fills a Linear slot (`packed`: panels(out) × in × PANEL) from weights stored [in, out], each part × its scale. */
function packLinear(
  plan: Extract<SlotPlan, { how: 'linear' }>,
  read: (name: string) => Float32Array,
  packed: Float32Array,
): void {
  const inDim = plan.in;
  for (const part of plan.parts) {
    const w = read(part.name);
    for (let k = 0; k < inDim; k++) {
      for (let c = 0; c < part.out; c++) {
        const j = part.col0 + c;
        packed[(((j / PANEL) | 0) * inDim + k) * PANEL + (j % PANEL)] = w[k * part.out + c]! * part.scale;
      }
    }
  }
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

/**
 * Packs the encoder's weights (HF names, Linear stored [in, out]) straight into one image of every kernel slot
 * (slotPlan) but those of kind `skip` (the word table, when the workers share it), with where each slot is.
 */
export function packEncoderImage(
  config: BertConfig,
  values: ReadonlyMap<string, Float32Array>,
  pooler: boolean,
  skip?: number,
): { image: Float32Array; slots: KernelSlot[] } {
  const read = (name: string): Float32Array => {
    const v = values.get(name);
    if (v === undefined) throw new UsageError(`The encoder has no weight "${name}" for the kernel`);
    return v;
  };
  const plans = slotPlan(config, pooler).filter((plan) => plan.kind !== skip);
  const biases = new Map<SlotPlan, Float32Array>();
  const slots: KernelSlot[] = [];
  let offset = 0;
  for (const plan of plans) {
    let length: number;
    if (plan.how === 'as-is') length = read(plan.name).length;
    else if (plan.how === 'bias') length = biases.set(plan, packBias(plan.parts, read)).get(plan)!.length;
    else length = Math.ceil(plan.out / PANEL) * plan.in * PANEL;
    slots.push({ kind: plan.kind, layer: plan.layer, offset, length });
    offset += length;
  }
  const image = new Float32Array(offset);
  plans.forEach((plan, i) => {
    const { offset: at, length } = slots[i]!;
    if (plan.how === 'linear') packLinear(plan, read, image.subarray(at, at + length));
    else image.set(plan.how === 'as-is' ? read(plan.name) : biases.get(plan)!, at);
  });
  return { image, slots };
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
