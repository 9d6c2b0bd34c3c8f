/**
 * Shared by the export tests: SMS texts, onnxruntime-web run directly on an exported ONNX file, a float64
 * reference of the whole classifier (test-support/reference-bert.ts + the head in float64), and agreement figures.
 */
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-web';
import { parseDataset } from '../../src/data';
import type { ExportSource } from '../../src/export/export-source';
import type { Tokenizer } from '../../src/tokenizer/types';
import { referenceForward, type RefConfig } from '../../test-support/reference-bert';
import { sharedPath } from '../../test-support/shared';

export const SMS = 'data/sms-spam/SMSSpamCollection.tsv';
export const SMS_SUBSET = 'data/sms-spam/bigml-subset.tsv';

export async function smsDataset(rel = SMS): Promise<{ texts: string[]; labels: string[] }> {
  return parseDataset(await readFile(sharedPath(rel)!, 'utf8'), { fileName: rel.split('/').pop()! });
}

/**
 * Texts that fit in maxLength tokens with [CLS]/[SEP] (untruncated). Longer texts are left out of Transformers.js
 * comparisons: Transformers.js 4.x truncates after adding special tokens, so they lose their final [SEP] there.
 */
export function fittingTexts(tokenizer: Tokenizer, texts: readonly string[], maxLength: number): string[] {
  return texts.filter((t) => tokenizer.tokenize(t).length + 2 <= maxLength);
}

export interface Agreement {
  readonly n: number;
  readonly maxAbs: number;
  /** Texts whose arg-max label is the same. */
  readonly sameTop: number;
}

function argmax(p: ArrayLike<number>, base: number, C: number): number {
  let best = 0;
  for (let c = 1; c < C; c++) if ((p[base + c] as number) > (p[base + best] as number)) best = c;
  return best;
}

export function agreement(a: ArrayLike<number>, b: ArrayLike<number>, C: number): Agreement {
  if (a.length !== b.length) throw new Error(`agreement: ${a.length} vs ${b.length} values`);
  let maxAbs = 0;
  let sameTop = 0;
  const n = a.length / C;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < C; c++)
      maxAbs = Math.max(maxAbs, Math.abs((a[i * C + c] as number) - (b[i * C + c] as number)));
    if (argmax(a, i * C, C) === argmax(b, i * C, C)) sameTop++;
  }
  return { n, maxAbs, sameTop };
}

export function softmaxRows(logits: ArrayLike<number>, C: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length / C; i++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, logits[i * C + c] as number);
    let s = 0;
    for (let c = 0; c < C; c++) s += out[i * C + c] = Math.exp((logits[i * C + c] as number) - m);
    for (let c = 0; c < C; c++) out[i * C + c] = (out[i * C + c] as number) / s;
  }
  return out;
}

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

/** onnxruntime-web (wasm) on the exported file: softmax(logits) for `texts`, padded per batch of 32. */
export async function ortProbs(
  onnxBytes: Uint8Array,
  tokenizer: Tokenizer,
  texts: readonly string[],
  maxLength: number,
  numClasses: number,
): Promise<Float64Array> {
  const session = await ort.InferenceSession.create(onnxBytes);
  try {
    const out = new Float64Array(texts.length * numClasses);
    for (let start = 0; start < texts.length; start += 32) {
      const enc = tokenizer.encodeBatch(texts.slice(start, start + 32), { maxLength });
      const B = enc.length;
      const S = Math.max(...enc.map((e) => e.inputIds.length));
      const ids = new BigInt64Array(B * S);
      const mask = new BigInt64Array(B * S);
      const types = new BigInt64Array(B * S);
      enc.forEach((e, i) =>
        e.inputIds.forEach((v, j) => {
          ids[i * S + j] = BigInt(v);
          mask[i * S + j] = 1n;
          types[i * S + j] = BigInt(e.tokenTypeIds[j] as number);
        }),
      );
      const dims = [B, S];
      const r = await session.run({
        input_ids: new ort.Tensor('int64', ids, dims),
        attention_mask: new ort.Tensor('int64', mask, dims),
        token_type_ids: new ort.Tensor('int64', types, dims),
      });
      out.set(softmaxRows(r.logits!.data as Float32Array, numClasses), start * numClasses);
    }
    return out;
  } finally {
    await session.release();
  }
}

/** The whole classifier in float64: reference BertModel, pooling, head (Dense layers), softmax. */
export function referenceProbs(src: ExportSource, texts: readonly string[]): Float64Array {
  const cfg = src.config as unknown as RefConfig;
  const H = src.config.hiddenSize;
  const C = src.head.classes;
  const out = new Float64Array(texts.length * C);
  texts.forEach((text, i) => {
    const e = src.tokenizer.encode(text, undefined, { maxLength: src.manifest.max_length });
    const r = referenceForward(cfg, src.encoder, e.inputIds, e.tokenTypeIds);
    const T = e.inputIds.length;
    let x = new Float64Array(H);
    if (src.pooling === 'mean') {
      for (let t = 0; t < T; t++)
        for (let h = 0; h < H; h++) x[h] = (x[h] as number) + (r.lastHiddenState[t * H + h] as number) / T;
    } else if (src.pooling === 'cls') x = r.lastHiddenState.slice(0, H);
    else x = Float64Array.from(r.poolerOutput!);
    if (src.manifest.normalize) {
      const norm = Math.max(Math.hypot(...x), 1e-12);
      x = x.map((v) => v / norm);
    }
    for (const d of src.head.layers) {
      const y = new Float64Array(d.units);
      for (let o = 0; o < d.units; o++) {
        let s = d.bias[o] as number;
        for (let k = 0; k < d.inputDim; k++) s += (x[k] as number) * (d.kernel[k * d.units + o] as number);
        y[o] = d.activation === 'relu' ? Math.max(0, s) : s;
      }
      x = y;
    }
    out.set(softmaxRows(x, C), i * C);
  });
  return out;
}
