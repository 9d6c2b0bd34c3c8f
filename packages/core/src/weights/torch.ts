/**
 * PyTorch torch.save reader: the zip format (<root>/data.pkl + <root>/data/<key>) and the legacy stream format
 * (magic, protocol, sys_info, main pickle, storage keys, raw storages). Pickles go through the allow-listed,
 * non-executing VM in ./pickle. Tensors are materialised as contiguous little-endian bytes (offsets and strides
 * applied). Nested dicts are flattened with "." (e.g. {"model_state_dict": {"fc.weight": …}} →
 * "model_state_dict.fc.weight"; see unwrapStateDict); non-tensor entries (ints, strings, optimizer settings)
 * are skipped; a bare tensor saved on its own is named "tensor".
 */
import { unzipSync } from 'fflate';
import { WeightsError } from '../errors.ts';
import { DTYPE_SIZE, numel } from './dtype.ts';
import { PyGlobal, unpickle, type PickleHooks } from './pickle.ts';
import { isPickle, isZip, notWeightsError } from './sniff.ts';
import { STORAGE_DTYPE, TORCH_DTYPE } from './torch-storage.ts';
import type { DType, RawTensor, ReadWeightsResult, TensorMap } from './types.ts';

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
/** A stride-0 (expanded) view can describe far more bytes than the file holds; refuse absurd ones. */
const MAX_STRIDED_BYTES = 2 ** 31;
/** …and may not exceed 4 × its storage's bytes, or this much for small storages (the fuzz allocation bound). */
const STRIDED_SLACK_BYTES = 16 * 1024 * 1024;

interface StorageRef {
  readonly key: string;
  /** undefined for a storage type we cannot represent (complex, quantized …). */
  readonly dtype: DType | undefined;
  readonly typeName: string;
  /** Element offset of this (legacy view) storage inside its root storage. */
  readonly base: number;
  readonly numel: number;
}

class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

function fail(
  message: string,
  hint = 'the file is corrupt or was not written by torch.save; download it again',
): never {
  throw new WeightsError(`Invalid PyTorch checkpoint: ${message}`, hint);
}

const REBUILD = new Set([
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch._tensor._rebuild_from_type_v2',
]);
/** Names that may appear as plain data (storage classes, dtypes, tensor classes) — never called. */
function allowGlobal(module: string, name: string): boolean {
  const q = `${module}.${name}`;
  if (q === 'collections.OrderedDict' || REBUILD.has(q)) return true;
  if (
    module === 'torch' &&
    (/^[A-Za-z0-9]*Storage$/.test(name) || Object.hasOwn(TORCH_DTYPE, name) || name === 'device')
  ) {
    return true;
  }
  if (q === 'torch.storage.UntypedStorage' || q === 'torch.Tensor' || q === 'torch.nn.parameter.Parameter') return true;
  return false;
}

function isIntList(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => Number.isSafeInteger(v) && (v as number) >= 0);
}

function reduce(callable: PyGlobal, args: unknown[]): unknown {
  const q = callable.qualified;
  switch (q) {
    case 'collections.OrderedDict': {
      const m = new Map<unknown, unknown>();
      if (Array.isArray(args[0])) for (const kv of args[0]) if (Array.isArray(kv)) m.set(kv[0], kv[1]);
      return m;
    }
    case 'torch._utils._rebuild_tensor_v2':
    case 'torch._utils._rebuild_tensor': {
      const [storage, offset, size, stride] = args;
      if (typeof storage !== 'object' || storage === null || !('key' in storage))
        fail(`${q}: first argument is not a storage`);
      if (!Number.isSafeInteger(offset) || (offset as number) < 0) fail(`${q}: bad storage offset`);
      if (!isIntList(size) || !isIntList(stride) || size.length !== stride.length) fail(`${q}: bad size/stride`);
      return new TensorRef(storage as StorageRef, offset as number, size, stride);
    }
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      if (!(args[0] instanceof TensorRef)) fail(`${q}: data is not a tensor`);
      return args[0];
    case 'torch._tensor._rebuild_from_type_v2': {
      const [func, , inner] = args;
      if (!(func instanceof PyGlobal) || !Array.isArray(inner)) fail(`${q}: bad arguments`);
      return reduce(func, inner);
    }
    case 'torch.device':
      return `device(${String(args[0])})`;
    default:
      throw new WeightsError(
        `Unsupported object in PyTorch checkpoint: ${q}(…)`,
        'only state_dicts of plain tensors are supported; re-save with safetensors',
      );
  }
}

function storageDtype(t: unknown): { dtype: DType | undefined; typeName: string } {
  if (!(t instanceof PyGlobal)) fail('storage type in a persistent id is not a class name');
  if (t.name === 'UntypedStorage') return { dtype: 'U8', typeName: t.qualified };
  return { dtype: Object.hasOwn(STORAGE_DTYPE, t.name) ? STORAGE_DTYPE[t.name] : undefined, typeName: t.qualified };
}

/**
 * Flattens nested dicts/lists of tensors with "." joined keys. Cycles are refused, and so are blow-ups from shared
 * containers (a few hundred bytes of memo references can describe 2^60 entries): at most `maxVisits` entries.
 */
function flatten(root: unknown, out: [string, TensorRef][], maxVisits: number): void {
  const onPath = new Set<unknown>();
  let visits = 0;
  const walk = (value: unknown, prefix: string): void => {
    if (++visits > maxVisits) fail(`the pickle expands to more than ${maxVisits} entries (shared containers)`);
    if (value instanceof TensorRef) {
      out.push([prefix || 'tensor', value]);
      return;
    }
    if (!(value instanceof Map) && !Array.isArray(value)) return;
    if (onPath.has(value)) fail(`"${prefix}" contains itself (a cyclic structure)`);
    if (onPath.size >= 64) fail('nesting deeper than 64 levels');
    onPath.add(value);
    if (value instanceof Map) {
      for (const [k, v] of value) {
        if (typeof k === 'string' || typeof k === 'number') walk(v, prefix ? `${prefix}.${k}` : String(k));
      }
    } else value.forEach((v, i) => walk(v, prefix ? `${prefix}.${i}` : String(i)));
    onPath.delete(value);
  };
  walk(root, '');
}

function byteswap(data: Uint8Array, size: number): Uint8Array {
  if (size === 1) return data;
  const out = new Uint8Array(data.byteLength);
  for (let i = 0; i < data.byteLength; i += size) for (let j = 0; j < size; j++) out[i + j] = data[i + size - 1 - j]!;
  return out;
}

/** Applies offset/shape/stride to a storage's bytes → contiguous row-major bytes. */
function materialize(name: string, t: TensorRef, storageBytes: (s: StorageRef) => Uint8Array): RawTensor {
  const s = t.storage;
  if (!s.dtype) {
    throw new WeightsError(
      `Tensor "${name}" uses ${s.typeName}, a dtype browser-bert cannot read`,
      'supported: float32/16/64, bfloat16, int8/16/32/64, uint8, bool; drop or convert that tensor before saving',
    );
  }
  const size = DTYPE_SIZE[s.dtype];
  const bytes = storageBytes(s);
  const available = bytes.byteLength / size;
  const n = numel(t.shape);
  const shape = [...t.shape];
  if (n === 0) return { name, dtype: s.dtype, shape, data: new Uint8Array(0) };
  const start = s.base + t.offset;
  let last = start;
  for (let i = 0; i < shape.length; i++) last += (shape[i]! - 1) * t.stride[i]!;
  if (last >= available || last >= s.base + s.numel) {
    fail(`tensor "${name}" reaches element ${last} but its storage has ${Math.min(available, s.base + s.numel)}`);
  }
  let contiguous = true;
  for (let i = shape.length - 1, acc = 1; i >= 0; i--) {
    if (shape[i] !== 1 && t.stride[i] !== acc) contiguous = false;
    acc *= shape[i]!;
  }
  if (contiguous) return { name, dtype: s.dtype, shape, data: bytes.subarray(start * size, (start + n) * size) };
  // Strided (e.g. Fortran order, transposed views, expanded dims): gather element by element.
  // Transposed / Fortran-order views are at most their storage; only expanded (stride-0) ones grow, within reason.
  const limit = Math.min(MAX_STRIDED_BYTES, Math.max(STRIDED_SLACK_BYTES, 4 * bytes.byteLength));
  if (n * size > limit) {
    fail(`tensor "${name}" is a strided view of ${n * size} bytes, over the ${limit}-byte limit`);
  }
  const out = new Uint8Array(n * size);
  const idx = new Array<number>(shape.length).fill(0);
  let src = start;
  for (let k = 0; k < n; k++) {
    for (let b = 0, from = src * size, to = k * size; b < size; b++) out[to + b] = bytes[from + b]!; // no view per element
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]!++;
      src += t.stride[d]!;
      if (idx[d]! < shape[d]!) break;
      src -= t.stride[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return { name, dtype: s.dtype, shape, data: out };
}

/** Entries a pickle of `bytes` bytes may flatten to: every entry costs ≥ 1 opcode byte, shared ones a BINGET. */
const visitBudget = (pickleBytes: number) => 4 * pickleBytes + 100_000;

function collect(root: unknown, storageBytes: (s: StorageRef) => Uint8Array, pickleBytes: number): TensorMap {
  const found: [string, TensorRef][] = [];
  flatten(root, found, visitBudget(pickleBytes));
  const tensors: TensorMap = new Map();
  for (const [name, ref] of found) {
    if (tensors.has(name)) fail(`two tensors are named "${name}" after flattening nested dicts`);
    tensors.set(name, materialize(name, ref, storageBytes));
  }
  return tensors;
}

function readZip(bytes: Uint8Array): ReadWeightsResult {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(f) {
        // torch.save stores records uncompressed; refuse compressed records that would inflate absurdly (zip bombs).
        if (f.compression !== 0 && f.originalSize > 64 * f.size + (1 << 20)) {
          fail(`zip record ${f.name} inflates from ${f.size} to ${f.originalSize} bytes`);
        }
        return /(^|\/)(data\.pkl|byteorder|data\/[^/]+)$/.test(f.name);
      },
    });
  } catch (e) {
    if (e instanceof WeightsError) throw e;
    fail(`the zip archive is damaged (${(e as Error).message})`);
  }
  const pkls = Object.keys(files).filter((n) => /^[^/]+\/data\.pkl$/.test(n) || n === 'data.pkl');
  if (pkls.length !== 1) {
    fail(
      pkls.length === 0 ? 'a zip file without data.pkl (not a torch.save archive)' : 'several data.pkl records',
      'expected a pytorch_model.bin written by torch.save',
    );
  }
  const prefix = pkls[0]!.slice(0, -'data.pkl'.length);
  const order = files[`${prefix}byteorder`];
  const big = order !== undefined && new TextDecoder().decode(order).trim() === 'big';
  const hooks: PickleHooks = {
    allowGlobal,
    reduce,
    persistentLoad(pid) {
      if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) fail('unexpected persistent id');
      const [, type, key, , n] = pid as unknown[];
      if (typeof key !== 'string' || !Number.isSafeInteger(n)) fail('bad storage persistent id');
      return { key, ...storageDtype(type), base: 0, numel: n as number } satisfies StorageRef;
    },
  };
  const root = unpickle(files[pkls[0]!]!, hooks).value;
  const cache = new Map<string, Uint8Array>();
  const tensors = collect(
    root,
    (s) => {
      let data = cache.get(s.key);
      if (!data) {
        const rec = files[`${prefix}data/${s.key}`];
        if (!rec) fail(`storage record data/${s.key} is missing from the archive`);
        data = big ? byteswap(rec, DTYPE_SIZE[s.dtype!]) : rec;
        cache.set(s.key, data);
      }
      return data;
    },
    files[pkls[0]!]!.byteLength,
  );
  return { tensors, info: { format: 'torch-zip', metadata: {} } };
}

function readLegacy(bytes: Uint8Array): ReadWeightsResult {
  const none: PickleHooks = {
    allowGlobal: () => false,
    reduce: () => fail('unexpected call in the file preamble'),
  };
  const magic = unpickle(bytes, none, 0);
  if (magic.value !== LEGACY_MAGIC) fail('a pickle file, but not a torch.save checkpoint (wrong magic number)');
  const proto = unpickle(bytes, none, magic.end);
  if (proto.value !== 1001) fail(`unsupported legacy protocol version ${String(proto.value)}`);
  const sys = unpickle(bytes, none, proto.end);
  const little = sys.value instanceof Map ? sys.value.get('little_endian') !== false : true;
  const roots = new Map<string, { dtype: DType | undefined; typeName: string; numel: number }>();
  const hooks: PickleHooks = {
    allowGlobal,
    reduce,
    persistentLoad(pid) {
      if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 6) fail('unexpected persistent id');
      const [, type, key, , n, view] = pid as unknown[];
      if (typeof key !== 'string' || !Number.isSafeInteger(n)) fail('bad storage persistent id');
      const dt = storageDtype(type);
      if (!roots.has(key)) roots.set(key, { ...dt, numel: n as number });
      if (Array.isArray(view)) {
        const [, offset, size] = view as unknown[];
        if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size)) fail('bad storage view');
        return { key, ...dt, base: offset as number, numel: size as number } satisfies StorageRef;
      }
      return { key, ...dt, base: 0, numel: n as number } satisfies StorageRef;
    },
  };
  const main = unpickle(bytes, hooks, sys.end);
  const keys = unpickle(bytes, none, main.end);
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === 'string')) fail('bad storage key list');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Map<string, Uint8Array>();
  let pos = keys.end;
  for (const key of keys.value as string[]) {
    const root = roots.get(key);
    if (!root) fail(`storage ${key} is listed but never used`);
    if (pos + 8 > bytes.byteLength) fail(`truncated before storage ${key}`);
    const count = dv.getBigUint64(pos, true);
    const size = root.dtype ? DTYPE_SIZE[root.dtype] : 1;
    if (count * BigInt(size) > BigInt(bytes.byteLength - pos - 8)) fail(`storage ${key} is truncated`);
    const len = Number(count) * size;
    const raw = bytes.subarray(pos + 8, pos + 8 + len);
    data.set(key, little ? raw : byteswap(raw, size));
    pos += 8 + len;
  }
  const tensors = collect(
    main.value,
    (s) => {
      const d = data.get(s.key);
      if (!d) fail(`storage ${s.key} is missing from the file`);
      return d;
    },
    main.end - sys.end,
  );
  return { tensors, info: { format: 'torch-legacy', metadata: {} } };
}

/** Reads a torch.save file (zip or legacy). Never executes anything from the file. */
export function readTorch(bytes: Uint8Array, fileName = 'pytorch_model.bin'): ReadWeightsResult {
  if (isZip(bytes)) return readZip(bytes);
  if (isPickle(bytes)) return readLegacy(bytes);
  throw notWeightsError(bytes, fileName, 'a PyTorch checkpoint (neither a torch zip archive nor a legacy pickle)');
}

const WRAPPERS = ['state_dict', 'model_state_dict', 'model', 'module'];

/**
 * If every tensor sits under one wrapper key ("state_dict.", "model_state_dict.", "model.", "module."), returns
 * the map with that prefix removed; otherwise returns the map unchanged. For training checkpoints that nest the
 * weights (e.g. {"model_state_dict": …, "optimizer_state_dict": …} keeps only the model part).
 */
export function unwrapStateDict(tensors: TensorMap): TensorMap {
  for (const w of WRAPPERS) {
    const p = `${w}.`;
    const inside = [...tensors.values()].filter((t) => t.name.startsWith(p));
    if (inside.length === 0) continue;
    const others = tensors.size - inside.length;
    if (
      others > 0 &&
      !(
        w === 'model_state_dict' &&
        [...tensors.keys()].every((k) => k.startsWith(p) || k.startsWith('optimizer_state_dict.'))
      )
    ) {
      continue;
    }
    return new Map(inside.map((t) => [t.name.slice(p.length), { ...t, name: t.name.slice(p.length) }]));
  }
  return tensors;
}
