/**
 * Writes tensors the way torch.save does: the zip format (archive/data.pkl + archive/data/<key>, storages
 * 64-byte aligned like PyTorch's writer) and the legacy pre-1.6 stream format. Used for fixtures and tests.
 */
import { zipSync, type Zippable } from 'fflate';
import { WeightsError } from '../errors.ts';
import { concatBytes } from '../util/bytes.ts';
import { DTYPE_SIZE, numel } from './dtype.ts';
import { PickleWriter } from './pickle-writer.ts';
import { storageNameFor } from './torch-storage.ts';
import type { DType, RawTensor, TensorMap } from './types.ts';

export interface TorchWriteOptions {
  /**
   * Put all tensors of one dtype into ONE storage at increasing offsets (like views of a flat buffer), so
   * readers are tested on storage_offset and shared storages. Default false (one storage per tensor).
   */
  readonly shareStorage?: boolean;
}

interface Planned {
  readonly t: RawTensor;
  readonly key: string;
  readonly offset: number; // elements
}

interface Storage {
  readonly key: string;
  readonly dtype: DType;
  readonly parts: Uint8Array[];
  numel: number;
}

function plan(tensors: TensorMap | Iterable<RawTensor>, options: TorchWriteOptions) {
  const list = [...(tensors instanceof Map ? tensors.values() : tensors)];
  const storages: Storage[] = [];
  const byDtype = new Map<DType, Storage>();
  const planned: Planned[] = [];
  for (const t of list) {
    if (!storageNameFor(t.dtype)) {
      throw new WeightsError(`Cannot write tensor "${t.name}" to a torch file: dtype ${t.dtype} has no torch storage`);
    }
    const n = numel(t.shape);
    if (t.data.byteLength !== n * DTYPE_SIZE[t.dtype]) {
      throw new WeightsError(`Cannot write tensor "${t.name}": data size does not match ${t.dtype}[${t.shape}]`);
    }
    let s = options.shareStorage ? byDtype.get(t.dtype) : undefined;
    if (!s) {
      s = { key: String(storages.length), dtype: t.dtype, parts: [], numel: 0 };
      storages.push(s);
      byDtype.set(t.dtype, s);
    }
    planned.push({ t, key: s.key, offset: s.numel });
    s.parts.push(t.data);
    s.numel += n;
  }
  return { planned, storages };
}

function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  return strides;
}

function statePickle(planned: Planned[], storages: Storage[], legacy: boolean): Uint8Array {
  const w = new PickleWriter().proto();
  const byKey = new Map(storages.map((s) => [s.key, s]));
  w.global('collections', 'OrderedDict').op(')').op('R').op('(');
  for (const { t, key, offset } of planned) {
    const s = byKey.get(key)!;
    w.str(t.name);
    w.global('torch._utils', '_rebuild_tensor_v2').op('(');
    // persistent id: ('storage', storage_type, key, location, numel[, view_metadata])
    w.op('(').str('storage').global('torch', storageNameFor(s.dtype)!).str(key).str('cpu').int(s.numel);
    if (legacy) w.none();
    w.op('t').op('Q');
    w.int(offset).intTuple(t.shape).intTuple(contiguousStrides(t.shape)).bool(false);
    w.global('collections', 'OrderedDict').op(')').op('R');
    w.op('t').op('R');
  }
  w.op('u');
  return w.finish();
}

/** torch.save zip layout: archive/data.pkl (protocol 2), archive/data/<key>, archive/version, archive/byteorder. */
export function writeTorchZip(tensors: TensorMap | Iterable<RawTensor>, options: TorchWriteOptions = {}): Uint8Array {
  const { planned, storages } = plan(tensors, options);
  const enc = new TextEncoder();
  const files: [string, Uint8Array][] = [
    ['archive/data.pkl', statePickle(planned, storages, false)],
    ['archive/byteorder', enc.encode('little')],
    ...storages.map((s): [string, Uint8Array] => [`archive/data/${s.key}`, concatBytes(s.parts)]),
    ['archive/version', enc.encode('3\n')],
  ];
  // Align every record's data to 64 bytes with an "FB" padding extra field, as PyTorch's writer does.
  const zippable: Zippable = {};
  let offset = 0;
  for (const [name, data] of files) {
    const base = offset + 30 + enc.encode(name).byteLength + 4;
    const pad = (64 - (base % 64)) % 64;
    zippable[name] = [data, { level: 0, extra: { 0x4246: new Uint8Array(pad) } }];
    offset = base + pad + data.byteLength;
  }
  return zipSync(zippable, { level: 0 });
}

/** Legacy (pre-1.6, `_use_new_zipfile_serialization=False`) torch.save stream. */
export function writeTorchLegacy(
  tensors: TensorMap | Iterable<RawTensor>,
  options: TorchWriteOptions = {},
): Uint8Array {
  const { planned, storages } = plan(tensors, options);
  const magic = new PickleWriter().proto().int(0x1950a86a20f9469cfc6cn).finish();
  const protocol = new PickleWriter().proto().int(1001).finish();
  const sys = new PickleWriter().proto().op('}').op('(');
  sys.str('protocol_version').int(1001).str('little_endian').bool(true).str('type_sizes').op('}').op('(');
  sys.str('short').int(2).str('int').int(4).str('long').int(4).op('u').op('u');
  const main = statePickle(planned, storages, true);
  const keys = new PickleWriter().proto().op(']').op('(');
  for (const s of storages) keys.str(s.key);
  const parts = [magic, protocol, sys.finish(), main, keys.op('e').finish()];
  for (const s of storages) {
    const count = new Uint8Array(8);
    new DataView(count.buffer).setBigUint64(0, BigInt(s.numel), true);
    parts.push(count, ...s.parts);
  }
  return concatBytes(parts);
}
