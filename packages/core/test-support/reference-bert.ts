/**
 * An independent float64 BertModel forward in plain JS (no tfjs), written separately from src/encoder to check it.
 * It reads HF tensors by their HF names straight from a TensorMap, works on ONE unpadded sequence at a time,
 * keeps PyTorch's [out, in] Linear layout, and has its own erf. Also: seeded random BERT weights in HF layout.
 */
import type { DType, RawTensor, TensorMap } from '../src/weights/types';
import { mulberry32 } from '../src/util/random';

export interface RefConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  hiddenAct: 'gelu' | 'gelu_new' | 'relu';
  layerNormEps: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
}

// ---------- decoding (own copy: independent of src/) ----------

function decode(t: RawTensor): Float64Array {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const dv = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = new Float64Array(n);
  const f = new DataView(new ArrayBuffer(4));
  for (let i = 0; i < n; i++) {
    if (t.dtype === 'F32') out[i] = dv.getFloat32(4 * i, true);
    else if (t.dtype === 'F64') out[i] = dv.getFloat64(8 * i, true);
    else if (t.dtype === 'F16') {
      const h = dv.getUint16(2 * i, true);
      const e = (h >> 10) & 31;
      const m = h & 1023;
      const s = h >> 15 ? -1 : 1;
      out[i] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
    } else if (t.dtype === 'BF16') {
      f.setUint32(0, dv.getUint16(2 * i, true) << 16);
      out[i] = f.getFloat32(0);
    } else throw new Error(`reference: dtype ${t.dtype} not supported`);
  }
  return out;
}

class Weights {
  private readonly cache = new Map<string, Float64Array>();
  constructor(private readonly map: TensorMap) {}
  get(name: string): Float64Array {
    let v = this.cache.get(name);
    if (!v) {
      const t = this.map.get(`bert.${name}`) ?? this.map.get(name);
      if (!t) throw new Error(`reference: no tensor ${name}`);
      v = decode(t);
      this.cache.set(name, v);
    }
    return v;
  }
  has(name: string): boolean {
    return this.map.has(`bert.${name}`) || this.map.has(name);
  }
}

// ---------- math ----------

/** erf to ~1e-15: Maclaurin series for |x| < 2.5, continued fraction for erfc beyond. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax > 27) return Math.sign(x);
  // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated from the tail.
  let f = ax;
  for (let k = 120; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

function act(x: number, kind: RefConfig['hiddenAct']): number {
  if (kind === 'relu') return x > 0 ? x : 0;
  if (kind === 'gelu') return 0.5 * x * (1 + erf(x / Math.SQRT2));
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}

/** y[t, o] = b[o] + Σ_i x[t, i]·W[o, i]  (W in PyTorch [out, in] layout). */
function linear(x: Float64Array, T: number, inp: number, W: Float64Array, b: Float64Array, out: number): Float64Array {
  const y = new Float64Array(T * out);
  for (let t = 0; t < T; t++) {
    for (let o = 0; o < out; o++) {
      let s = b[o]!;
      const wo = o * inp;
      const xt = t * inp;
      for (let i = 0; i < inp; i++) s += x[xt + i]! * W[wo + i]!;
      y[t * out + o] = s;
    }
  }
  return y;
}

function layerNormInPlace(x: Float64Array, T: number, H: number, g: Float64Array, b: Float64Array, eps: number): void {
  for (let t = 0; t < T; t++) {
    let mean = 0;
    for (let h = 0; h < H; h++) mean += x[t * H + h]!;
    mean /= H;
    let v = 0;
    for (let h = 0; h < H; h++) v += (x[t * H + h]! - mean) ** 2;
    v /= H;
    const inv = 1 / Math.sqrt(v + eps);
    for (let h = 0; h < H; h++) x[t * H + h] = (x[t * H + h]! - mean) * inv * g[h]! + b[h]!;
  }
}

/** Decoded weights per TensorMap (decoding the word embeddings for every text would dominate the run time). */
const decoded = new WeakMap<TensorMap, Weights>();

export interface RefOutput {
  /** [len, hidden] row-major */
  lastHiddenState: Float64Array;
  /** [hidden], when the weights have a pooler */
  poolerOutput: Float64Array | undefined;
}

/** BertModel forward of ONE sequence (no padding, so no mask is needed). */
export function referenceForward(
  cfg: RefConfig,
  map: TensorMap,
  inputIds: ArrayLike<number>,
  tokenTypeIds?: ArrayLike<number>,
): RefOutput {
  let W = decoded.get(map);
  if (!W) decoded.set(map, (W = new Weights(map)));
  const T = inputIds.length;
  const H = cfg.hiddenSize;
  const nH = cfg.numAttentionHeads;
  const dH = H / nH;
  const word = W.get('embeddings.word_embeddings.weight');
  const pos = W.get('embeddings.position_embeddings.weight');
  const typ = W.get('embeddings.token_type_embeddings.weight');
  let x: Float64Array = new Float64Array(T * H);
  for (let t = 0; t < T; t++) {
    const id = inputIds[t]!;
    const tt = tokenTypeIds?.[t] ?? 0;
    for (let h = 0; h < H; h++) x[t * H + h] = word[id * H + h]! + pos[t * H + h]! + typ[tt * H + h]!;
  }
  layerNormInPlace(x, T, H, W.get('embeddings.LayerNorm.weight'), W.get('embeddings.LayerNorm.bias'), cfg.layerNormEps);
  for (let l = 0; l < cfg.numHiddenLayers; l++) {
    const p = `encoder.layer.${l}.`;
    const lin = (inp: Float64Array, name: string, i: number, o: number): Float64Array =>
      linear(inp, T, i, W.get(`${p}${name}.weight`), W.get(`${p}${name}.bias`), o);
    const q = lin(x, 'attention.self.query', H, H);
    const k = lin(x, 'attention.self.key', H, H);
    const v = lin(x, 'attention.self.value', H, H);
    const ctx = new Float64Array(T * H);
    const scores = new Float64Array(T);
    for (let head = 0; head < nH; head++) {
      const off = head * dH;
      for (let i = 0; i < T; i++) {
        let max = -Infinity;
        for (let j = 0; j < T; j++) {
          let s = 0;
          for (let d = 0; d < dH; d++) s += q[i * H + off + d]! * k[j * H + off + d]!;
          s /= Math.sqrt(dH);
          scores[j] = s;
          if (s > max) max = s;
        }
        let z = 0;
        for (let j = 0; j < T; j++) {
          scores[j] = Math.exp(scores[j]! - max);
          z += scores[j]!;
        }
        for (let d = 0; d < dH; d++) {
          let s = 0;
          for (let j = 0; j < T; j++) s += (scores[j]! / z) * v[j * H + off + d]!;
          ctx[i * H + off + d] = s;
        }
      }
    }
    const attn = lin(ctx, 'attention.output.dense', H, H);
    for (let i = 0; i < T * H; i++) attn[i]! += x[i]!;
    layerNormInPlace(
      attn,
      T,
      H,
      W.get(`${p}attention.output.LayerNorm.weight`),
      W.get(`${p}attention.output.LayerNorm.bias`),
      cfg.layerNormEps,
    );
    const inter = lin(attn, 'intermediate.dense', H, cfg.intermediateSize);
    for (let i = 0; i < inter.length; i++) inter[i] = act(inter[i]!, cfg.hiddenAct);
    const out = lin(inter, 'output.dense', cfg.intermediateSize, H);
    for (let i = 0; i < T * H; i++) out[i]! += attn[i]!;
    layerNormInPlace(
      out,
      T,
      H,
      W.get(`${p}output.LayerNorm.weight`),
      W.get(`${p}output.LayerNorm.bias`),
      cfg.layerNormEps,
    );
    x = out;
  }
  let poolerOutput: Float64Array | undefined;
  if (W.has('pooler.dense.weight')) {
    poolerOutput = linear(x.subarray(0, H), 1, H, W.get('pooler.dense.weight'), W.get('pooler.dense.bias'), H);
    for (let h = 0; h < H; h++) poolerOutput[h] = Math.tanh(poolerOutput[h]!);
  }
  return { lastHiddenState: x, poolerOutput };
}

// ---------- seeded random weights in exact HF layout ----------

/** Seeded PRNG for test weights (the library's mulberry32: a PRNG, not numerics under test). */
export const prng = mulberry32;

function encode(values: Float64Array, dtype: DType): Uint8Array {
  const size = dtype === 'F32' ? 4 : 2;
  const out = new Uint8Array(values.length * size);
  const dv = new DataView(out.buffer);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < values.length; i++) {
    if (dtype === 'F32') dv.setFloat32(4 * i, values[i]!, true);
    else if (dtype === 'BF16') {
      f[0] = values[i]!;
      dv.setUint16(2 * i, u[0]! >>> 16, true); // truncation is fine: the reference decodes the same bits
    } else if (dtype === 'F16') {
      // Values are drawn on a 2^-10 grid within ±2, so they are exact in float16: encode the bits directly.
      const v = values[i]!;
      const a = Math.abs(v);
      let bits = 0;
      if (a !== 0) {
        const e = Math.floor(Math.log2(a));
        bits = ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
      }
      dv.setUint16(2 * i, (v < 0 ? 0x8000 : 0) | bits, true);
    } else throw new Error(`randomBertWeights: dtype ${dtype} not supported (use F32, F16 or BF16)`);
  }
  return out;
}

export interface RandomWeightsOptions {
  seed?: number;
  /** "bert." as in BertFor* checkpoints, or "" as in BertModel ones. */
  prefix?: '' | 'bert.';
  pooler?: boolean;
  dtype?: 'F32' | 'F16' | 'BF16';
  /** Extra head tensors (cls.*, classifier.*) that the encoder must ignore. */
  extraHeads?: boolean;
}

/**
 * Random BertModel weights in HF names and PyTorch layout, scaled so activations are O(1) (softmax and GELU
 * are exercised in their non-linear range, unlike a 0.02-std init).
 */
export function randomBertWeights(cfg: RefConfig, opts: RandomWeightsOptions = {}): TensorMap {
  const rnd = prng(opts.seed ?? 1);
  const prefix = opts.prefix ?? '';
  const dtype = opts.dtype ?? 'F32';
  const map: TensorMap = new Map();
  const H = cfg.hiddenSize;
  const I = cfg.intermediateSize;
  const add = (name: string, shape: number[], gen: () => number): void => {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = dtype === 'F16' ? Math.round(gen() * 1024) / 1024 : gen();
    map.set(prefix + name, { name: prefix + name, dtype, shape, data: encode(v, dtype) });
  };
  const u = (r: number) => () => (rnd() * 2 - 1) * r;
  const around1 = () => 1 + (rnd() * 2 - 1) * 0.2;
  const lin = (name: string, out: number, inp: number): void => {
    add(`${name}.weight`, [out, inp], u(Math.sqrt(3 / inp)));
    add(`${name}.bias`, [out], u(0.1));
  };
  const ln = (name: string): void => {
    add(`${name}.weight`, [H], around1);
    add(`${name}.bias`, [H], u(0.1));
  };
  add('embeddings.word_embeddings.weight', [cfg.vocabSize, H], u(1.7));
  add('embeddings.position_embeddings.weight', [cfg.maxPositionEmbeddings, H], u(0.5));
  add('embeddings.token_type_embeddings.weight', [cfg.typeVocabSize, H], u(0.5));
  ln('embeddings.LayerNorm');
  for (let l = 0; l < cfg.numHiddenLayers; l++) {
    const p = `encoder.layer.${l}.`;
    // Query/key weights larger than unit scale so attention is not nearly uniform.
    add(`${p}attention.self.query.weight`, [H, H], u(Math.sqrt(12 / H)));
    add(`${p}attention.self.query.bias`, [H], u(0.1));
    add(`${p}attention.self.key.weight`, [H, H], u(Math.sqrt(12 / H)));
    add(`${p}attention.self.key.bias`, [H], u(0.1));
    lin(`${p}attention.self.value`, H, H);
    lin(`${p}attention.output.dense`, H, H);
    ln(`${p}attention.output.LayerNorm`);
    lin(`${p}intermediate.dense`, I, H);
    lin(`${p}output.dense`, H, I);
    ln(`${p}output.LayerNorm`);
  }
  if (opts.pooler ?? true) lin('pooler.dense', H, H);
  if (opts.extraHeads) {
    map.set('cls.predictions.bias', {
      name: 'cls.predictions.bias',
      dtype: 'F32',
      shape: [3],
      data: new Uint8Array(12),
    });
    map.set('classifier.weight', { name: 'classifier.weight', dtype: 'F32', shape: [2, 5], data: new Uint8Array(40) });
  }
  return map;
}

// ---------- test texts ----------

/** Texts of an SMS Spam Collection TSV (label<TAB>text per line). */
export function smsTexts(tsv: string): string[] {
  return tsv
    .split(/\r?\n/)
    .filter((l) => l.includes('\t'))
    .map((l) => l.slice(l.indexOf('\t') + 1));
}
