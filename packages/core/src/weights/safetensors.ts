/**
 * safetensors reader and writer (https://github.com/huggingface/safetensors#format): 8-byte little-endian header
 * length, a JSON header, then the data section. The header is validated as strictly as the reference Rust crate.
 */
import { WeightsError, show } from '../errors.ts';
import { DTYPE_SIZE, checkShape, isDType, numel } from './dtype.ts';
import { textFileError } from './sniff.ts';
import type { RawTensor, ReadWeightsResult, TensorMap } from './types.ts';

/** Headers larger than this are refused (the reference implementation uses the same 100 MB bound). */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

const HINT = 'the file is truncated or not a safetensors file; download it again';

function fail(message: string, hint = HINT): never {
  throw new WeightsError(`Invalid safetensors file: ${message}`, hint);
}

/** For a header that cannot be right: say so more usefully when the bytes are an HTML page, LFS pointer …. */
function failHeader(bytes: Uint8Array, message: string): never {
  throw (
    textFileError(bytes, 'Invalid safetensors file') ?? new WeightsError(`Invalid safetensors file: ${message}`, HINT)
  );
}

/** Where one tensor's bytes are: [begin, end) from the start of the data section. */
export interface TensorPlace {
  readonly name: string;
  readonly dtype: RawTensor['dtype'];
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** A checked safetensors header: its tensors in data-offset order, tiling the data section exactly. */
export interface SafetensorsHeader {
  /** Offset of the data section in the file (8 + the header's length). */
  readonly dataStart: number;
  readonly tensors: readonly TensorPlace[];
  readonly metadata: Record<string, string>;
}

/**
 * The header length a safetensors file declares, from its first 8 bytes (checked against the limit and the file's
 * length): read this many bytes after the first 8 to have the whole header.
 */
export function safetensorsHeaderLength(first8: Uint8Array, fileLength: number): number {
  if (first8.byteLength < 8)
    failHeader(first8, `only ${first8.byteLength} bytes, need at least 8 for the header length`);
  const headerLen = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (headerLen > BigInt(MAX_SAFETENSORS_HEADER)) {
    failHeader(first8, `header length ${headerLen} exceeds the ${MAX_SAFETENSORS_HEADER}-byte limit`);
  }
  const n = Number(headerLen);
  if (n > fileLength - 8) {
    failHeader(first8, `header length ${n} is larger than the ${fileLength - 8} bytes after the length field`);
  }
  if (n < 2) fail(`header length ${n} is too small for a JSON object`);
  return n;
}

/**
 * Parses a .safetensors file. Tensor data are views into `bytes` (no copy), in data-offset order.
 */
export function readSafetensors(bytes: Uint8Array): ReadWeightsResult {
  const { dataStart, tensors: places, metadata } = readSafetensorsHeader(bytes, bytes.byteLength);
  const tensors: TensorMap = new Map();
  for (const place of places) tensors.set(place.name, tensorAt(bytes, dataStart, place));
  return { tensors, info: { format: 'safetensors', metadata } };
}

/** The tensor at `place` of a safetensors file's bytes (a view, no copy); a WeightsError when the file ends before it. */
export function tensorAt(file: Uint8Array, dataStart: number, place: TensorPlace): RawTensor {
  const { begin, end, ...t } = place;
  if (dataStart + end > file.byteLength) fail(`the file ends before tensor "${t.name}"`);
  return { ...t, data: file.subarray(dataStart + begin, dataStart + end) };
}

/**
 * Parses and checks the header of a safetensors file of `fileLength` bytes, from its first bytes (at least 8 + the
 * header length: safetensorsHeaderLength), as strictly as readSafetensors: a file can be checked before its data are
 * read.
 */
export function readSafetensorsHeader(bytes: Uint8Array, fileLength: number): SafetensorsHeader {
  const n = safetensorsHeaderLength(bytes, fileLength);
  if (bytes.byteLength < 8 + n) throw new RangeError(`readSafetensorsHeader needs the first ${8 + n} bytes`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail('header is not a JSON object');
  }
  const dataStart = 8 + n;
  const dataLen = fileLength - dataStart;
  const metadata: Record<string, string> = {};
  const entries: TensorPlace[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__["${k}"] is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`entry "${name}" is not an object`);
    const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
    if (!isDType(dtype)) {
      fail(
        `tensor "${name}" has unknown dtype ${show(dtype)}`,
        `supported dtypes: ${Object.keys(DTYPE_SIZE).join(', ')}`,
      );
    }
    const dims = checkShape(shape, `Tensor "${name}"`);
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)
    ) {
      fail(`tensor "${name}" has invalid data_offsets ${show(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLen) {
      fail(`tensor "${name}" data_offsets [${begin}, ${end}] fall outside the ${dataLen}-byte data section`);
    }
    const expected = numel(dims) * DTYPE_SIZE[dtype];
    if (end - begin !== expected) {
      fail(
        `tensor "${name}" has ${end - begin} bytes but ${dtype}[${dims.join(', ')}] needs ${expected}`,
        'the dtype or shape in the header does not match the data; the file is corrupt',
      );
    }
    entries.push({ name, dtype, shape: dims, begin, end });
  }
  // Like the reference implementation: sorted by offset, tensors must tile the data section exactly.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const e of entries) {
    if (e.begin !== pos) {
      fail(
        e.begin < pos
          ? `tensor "${e.name}" overlaps the previous tensor (starts at ${e.begin}, previous ends at ${pos})`
          : `gap before tensor "${e.name}" (starts at ${e.begin}, previous ends at ${pos})`,
      );
    }
    pos = e.end;
  }
  if (pos !== dataLen) fail(`the tensors cover ${pos} bytes but the data section has ${dataLen}`);
  return { dataStart, tensors: entries, metadata };
}

/** A tensor's place in a file to write: everything but its bytes. */
export interface TensorHead {
  readonly name: string;
  readonly dtype: RawTensor['dtype'];
  readonly shape: readonly number[];
}

/** The header of a .safetensors file of these tensors (in order), space-padded to 8 bytes, and its data's size. */
function safetensorsHeader(
  list: readonly TensorHead[],
  metadata?: Readonly<Record<string, string>>,
): { json: Uint8Array; dataBytes: number } {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  let offset = 0;
  const seen = new Set<string>();
  for (const t of list) {
    if (seen.has(t.name) || t.name === '__metadata__') {
      throw new WeightsError(`Cannot write safetensors: duplicate or reserved tensor name "${t.name}"`);
    }
    seen.add(t.name);
    const size = numel(t.shape) * DTYPE_SIZE[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  if (padded !== json.byteLength) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  return { json, dataBytes: offset };
}

/** The byte length writeSafetensors gives for tensors of these names, dtypes and shapes, without their bytes. */
export function safetensorsByteLength(
  list: readonly TensorHead[],
  metadata?: Readonly<Record<string, string>>,
): number {
  const { json, dataBytes } = safetensorsHeader(list, metadata);
  return 8 + json.byteLength + dataBytes;
}

/**
 * Writes tensors (in the given order) as a .safetensors file; the header is space-padded to 8-byte alignment
 * like the reference writer.
 */
export function writeSafetensors(
  tensors: TensorMap | Iterable<RawTensor>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const list = [...(tensors instanceof Map ? tensors.values() : tensors)];
  for (const t of list) {
    const size = numel(t.shape) * DTYPE_SIZE[t.dtype];
    if (t.data.byteLength !== size) {
      throw new WeightsError(
        `Cannot write tensor "${t.name}": ${t.data.byteLength} bytes for ${t.dtype}[${t.shape.join(', ')}], expected ${size}`,
      );
    }
  }
  return writeSafetensorsWith(list, metadata, (i, data) => data.set(list[i]!.data));
}

/**
 * Writes a .safetensors file of tensors given by name, dtype and shape, each one's bytes written by `fill` into its
 * place in the file (8-byte aligned: a Float32Array view fits) — no copy of a tensor besides the file's own.
 */
export function writeSafetensorsWith(
  list: readonly TensorHead[],
  metadata: Readonly<Record<string, string>> | undefined,
  fill: (index: number, data: Uint8Array) => void,
): Uint8Array {
  const { json, dataBytes } = safetensorsHeader(list, metadata);
  const out = new Uint8Array(8 + json.byteLength + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let pos = 8 + json.byteLength;
  list.forEach((t, i) => {
    const size = numel(t.shape) * DTYPE_SIZE[t.dtype];
    fill(i, out.subarray(pos, pos + size));
    pos += size;
  });
  return out;
}
