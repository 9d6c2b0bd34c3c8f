/**
 * TF.js weights: reading a model.json weightsManifest + its shard files into a TensorMap, and writing a TensorMap as
 * a TF.js-style bundle (weightsManifest + fixed-size shards, optionally float16-quantized like
 * `tensorflowjs_converter --quantize_float16`).
 */
import { WeightsError, show } from '../errors.ts';
import { DTYPE_SIZE, encodeFloats, numel, toFloat32 } from './dtype.ts';
import type { DType, RawTensor, ReadWeightsResult, TensorMap } from './types.ts';
import { checkRelativeName } from '../util/safe-name.ts';
import { concatBytes } from '../util/bytes.ts';

export interface TfjsWeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  quantization?: { dtype: 'float16' | 'uint8' | 'uint16'; scale?: number; min?: number };
}
export interface TfjsWeightsGroup {
  paths: string[];
  weights: TfjsWeightEntry[];
}
export type TfjsWeightsManifest = TfjsWeightsGroup[];

const TFJS_DTYPE: Readonly<Record<string, DType>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };
const QUANT_SIZE = new Map<unknown, number>([
  ['float16', 2],
  ['uint8', 1],
  ['uint16', 2],
]);

function fail(message: string): never {
  throw new WeightsError(
    `Invalid TF.js model.json: ${message}`,
    'expected a model.json written by tensorflowjs_converter / tf.io (with weightsManifest) and its shard files',
  );
}

function manifestOf(modelJson: unknown): unknown[] {
  if (Array.isArray(modelJson)) return modelJson;
  if (typeof modelJson !== 'object' || modelJson === null) fail('not a JSON object');
  const m = (modelJson as { weightsManifest?: unknown }).weightsManifest;
  if (!Array.isArray(m)) fail('no weightsManifest array');
  return m;
}

function checkPath(p: unknown): string {
  // tf.io writers may prefix "./"; after that the name must be a plain relative path (util/safe-name.ts).
  return checkRelativeName(
    typeof p === 'string' ? p.replace(/^(\.\/)+/, '') : p,
    'the TF.js model.json weightsManifest',
  );
}

/** The shard files a model.json needs, relative to its folder, in manifest order ("./" prefixes removed). */
export function tfjsShardPaths(modelJson: unknown): string[] {
  const out: string[] = [];
  for (const g of manifestOf(modelJson)) {
    if (typeof g !== 'object' || g === null) fail('a weightsManifest group is not an object');
    const paths = (g as { paths?: unknown }).paths;
    if (!Array.isArray(paths)) fail('a weightsManifest group has no paths');
    out.push(...paths.map(checkPath));
  }
  return out;
}

/** A group's shards as one buffer (a single shard as it is, without a copy). */
function groupBytes(parts: Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : concatBytes(parts);
}

/** Reads the weights of a TF.js model.json; `shards` are the files of tfjsShardPaths(modelJson), in that order. */
export function readTfjsWeights(modelJson: unknown, shards: readonly Uint8Array[]): ReadWeightsResult {
  const manifest = manifestOf(modelJson);
  const expectedShards = tfjsShardPaths(modelJson).length;
  if (shards.length !== expectedShards) fail(`the manifest names ${expectedShards} shard files, got ${shards.length}`);
  const tensors: TensorMap = new Map();
  let shardIndex = 0;
  for (const [gi, g] of manifest.entries()) {
    const { paths, weights } = g as { paths: unknown[]; weights?: unknown };
    if (!Array.isArray(weights)) fail(`group ${gi + 1} has no weights list`);
    const buf = groupBytes(shards.slice(shardIndex, shardIndex + paths.length) as Uint8Array[]);
    shardIndex += paths.length;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let pos = 0;
    for (const w of weights as unknown[]) {
      if (typeof w !== 'object' || w === null) fail(`group ${gi + 1} has a weight that is not an object`);
      const { name, shape, dtype, quantization } = w as Record<string, unknown>;
      if (typeof name !== 'string') fail(`group ${gi + 1} has a weight without a name`);
      if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        fail(`weight "${name}" has an invalid shape ${show(shape)}`);
      }
      // own keys of string names only: "constructor" or a nested list must not reach the lookup
      const target = typeof dtype === 'string' && Object.hasOwn(TFJS_DTYPE, dtype) ? TFJS_DTYPE[dtype] : undefined;
      if (!target) {
        throw new WeightsError(
          `TF.js weight "${name}" has dtype ${show(dtype)}, which browser-bert cannot read`,
          'supported weight dtypes: float32, int32, bool (optionally quantized float16/uint8/uint16)',
        );
      }
      const n = numel(shape as number[]);
      const q = quantization as TfjsWeightEntry['quantization'] | undefined;
      const qsize = q ? QUANT_SIZE.get(q.dtype) : DTYPE_SIZE[target];
      if (!qsize) fail(`weight "${name}" has unknown quantization ${show(q)}`);
      const bytes = n * qsize;
      if (pos + bytes > buf.byteLength) {
        fail(`weight "${name}" needs bytes ${pos}..${pos + bytes} but group ${gi + 1} has ${buf.byteLength}`);
      }
      let t: RawTensor;
      if (!q) t = { name, dtype: target, shape: [...(shape as number[])], data: buf.subarray(pos, pos + bytes) };
      else if (q.dtype === 'float16') {
        // Stored as IEEE half: kept as F16 (lossless); toFloat32 gives the float32 values.
        const data = buf.subarray(pos, pos + bytes);
        t = { name, dtype: 'F16', shape: [...(shape as number[])], data };
        if (target !== 'F32') t = { ...t, dtype: target, data: cast(toFloat32(t), target) };
      } else {
        const { scale, min } = q;
        if (typeof scale !== 'number' || typeof min !== 'number')
          fail(`weight "${name}": affine quantization needs scale and min`);
        const v = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const x = q.dtype === 'uint8' ? buf[pos + i]! : dv.getUint16(pos + 2 * i, true);
          v[i] = x * scale + min;
        }
        t = { name, dtype: target, shape: [...(shape as number[])], data: cast(v, target) };
      }
      if (tensors.has(name)) fail(`weight "${name}" appears twice`);
      tensors.set(name, t);
      pos += bytes;
    }
    if (pos !== buf.byteLength)
      fail(`group ${gi + 1}: the weights take ${pos} bytes but the shards hold ${buf.byteLength}`);
  }
  const metadata: Record<string, string> = {};
  const udm = (modelJson as { userDefinedMetadata?: unknown }).userDefinedMetadata;
  if (udm && typeof udm === 'object') {
    for (const [k, v] of Object.entries(udm)) if (typeof v === 'string') metadata[k] = v;
  }
  return { tensors, info: { format: 'tfjs', metadata } };
}

function cast(v: Float32Array, dtype: DType): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (dtype === 'I32') return new Uint8Array(Int32Array.from(v, (x) => Math.round(x)).buffer);
  return Uint8Array.from(v, (x) => (x ? 1 : 0));
}

export interface TfjsBundleOptions {
  /** float16 stores weights as IEEE half with `quantization: {dtype: "float16"}` (half the size). Default float32. */
  readonly dtype?: 'float32' | 'float16';
  /** Shard size in bytes (tensors may straddle shards, as in tensorflowjs_converter). Default 4 MiB. */
  readonly shardBytes?: number;
  /** Shard file name prefix. Default "group1". */
  readonly groupName?: string;
}

export interface TfjsBundle {
  readonly manifest: TfjsWeightsManifest;
  /** Shard contents, in the order of manifest[0].paths. */
  readonly shards: Uint8Array[];
}

/** Encodes one tensor for the bundle: floats → float32 (or half), ints → int32 (checked), BOOL → bool. */
function encodeTfjs(t: RawTensor, half: boolean): { entry: TfjsWeightEntry; data: Uint8Array } {
  const shape = [...t.shape];
  if (t.dtype === 'BOOL') return { entry: { name: t.name, shape, dtype: 'bool' }, data: t.data };
  if (t.dtype === 'F32' || t.dtype === 'F16' || t.dtype === 'BF16' || t.dtype === 'F64') {
    const v = toFloat32(t);
    if (half) {
      return {
        entry: { name: t.name, shape, dtype: 'float32', quantization: { dtype: 'float16' } },
        data: t.dtype === 'F16' ? t.data : encodeFloats(v, 'F16'),
      };
    }
    return {
      entry: { name: t.name, shape, dtype: 'float32' },
      data: t.dtype === 'F32' ? t.data : encodeFloats(v, 'F32'),
    };
  }
  if (t.dtype === 'I32') return { entry: { name: t.name, shape, dtype: 'int32' }, data: t.data };
  // Other integers: TF.js has int32 only.
  const v = toFloat32(t);
  const dv = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const exact =
      t.dtype === 'I64'
        ? dv.getBigInt64(i * 8, true)
        : t.dtype === 'U64'
          ? dv.getBigUint64(i * 8, true)
          : BigInt(v[i]!);
    if (exact < -(2n ** 31n) || exact >= 2n ** 31n) {
      throw new WeightsError(`Tensor "${t.name}" (${t.dtype}) has value ${exact}, outside TF.js int32`);
    }
    out[i] = Number(exact);
  }
  return { entry: { name: t.name, shape, dtype: 'int32' }, data: new Uint8Array(out.buffer) };
}

/** Writes tensors as a TF.js weights bundle (one group, fixed-size shards named groupN-shardKofM.bin). */
export function writeTfjsBundle(tensors: TensorMap | Iterable<RawTensor>, options: TfjsBundleOptions = {}): TfjsBundle {
  const shardBytes = options.shardBytes ?? 4 * 1024 * 1024;
  if (!Number.isSafeInteger(shardBytes) || shardBytes < 1)
    throw new WeightsError(`shardBytes must be a positive integer`);
  const half = options.dtype === 'float16';
  const encoded = [...(tensors instanceof Map ? tensors.values() : tensors)].map((t) => encodeTfjs(t, half));
  const total = encoded.reduce((a, e) => a + e.data.byteLength, 0);
  const count = Math.max(1, Math.ceil(total / shardBytes));
  const shards: Uint8Array[] = [];
  for (let i = 0; i < count; i++) shards.push(new Uint8Array(Math.min(shardBytes, total - i * shardBytes)));
  let pos = 0;
  for (const { data } of encoded) {
    let off = 0;
    while (off < data.byteLength) {
      const s = Math.floor(pos / shardBytes);
      const within = pos - s * shardBytes;
      const n = Math.min(data.byteLength - off, shardBytes - within);
      shards[s]!.set(data.subarray(off, off + n), within);
      off += n;
      pos += n;
    }
  }
  const group = options.groupName ?? 'group1';
  const paths = shards.map((_, i) => `${group}-shard${i + 1}of${count}.bin`);
  return { manifest: [{ paths, weights: encoded.map((e) => e.entry) }], shards };
}
