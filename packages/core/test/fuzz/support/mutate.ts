/**
 * Structure-aware mutations for the fuzz properties: byte edits that target length fields and boundaries, JSON
 * edits that replace, delete or add values anywhere in a parsed file, and pools of hostile values (huge numbers,
 * path traversal names, odd strings). Inputs start from real valid files and are damaged a little, so most runs
 * get past the first checks and reach the deep code.
 */
import fc from 'fast-check';
import { concatBytes } from '../../../src/util/bytes';

/** Numbers that break length, offset and shape arithmetic. */
export const interestingNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    1,
    -1,
    2,
    3,
    7,
    8,
    255,
    256,
    65535,
    65536,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    2 ** 32 - 1,
    2 ** 32,
    2 ** 53,
    2 ** 53 - 1,
    2 ** 60,
    1e308,
    -1e308,
    0.5,
    -0.5,
    1e-300,
    -0,
  ),
  fc.integer({ min: -1000, max: 100_000 }),
);

/** Names that try to leave a folder or confuse a path/URL join; plus plain ones. */
export const hostileName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '../../../../etc/passwd',
    '..',
    '.',
    '',
    '/etc/passwd',
    'C:\\Windows\\win.ini',
    'C:/x',
    '\\\\server\\share',
    'file:///etc/passwd',
    'http://127.0.0.1/x',
    '//evil/x',
    'a/../../b',
    'a//b',
    'a/./b',
    'a/',
    '%2e%2e/x',
    '.%2E/x',
    'a%2fb',
    'a\u0000b',
    'a\nb',
    '\u202e',
    'head/weights.bin',
    'weights.bin',
    '__proto__',
    'constructor',
    'x'.repeat(2000),
    'a/'.repeat(300) + 'b',
  ),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[a-z0-9_./\\%:-]{1,16}$/),
);

/** Any JSON-ish value, hostile ones favoured. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  interestingNumber,
  hostileName,
  fc.constantFrom(null, true, false, [], {}, [[]], [-1], [2 ** 53, 2 ** 53], [0, 2 ** 60], { a: 1 }),
  fc.array(interestingNumber, { maxLength: 6 }),
  fc.jsonValue({ maxDepth: 3 }),
);

export type JsonOp =
  | { readonly kind: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'add'; readonly at: number; readonly key: string; readonly value: unknown }
  | { readonly kind: 'nest'; readonly at: number; readonly depth: number };

export const jsonOps = (max = 3): fc.Arbitrary<JsonOp[]> =>
  fc.array(
    fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('add' as const),
          at: fc.nat(),
          key: hostileName,
          value: hostileValue,
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('nest' as const),
          at: fc.nat(),
          depth: fc.integer({ min: 10, max: 5000 }),
        }),
      },
    ),
    { minLength: 1, maxLength: max },
  );

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

/** Every (container, key) pair in a JSON value, breadth-first, at most `limit` of them. */
function slots(root: unknown, limit = 5000): Slot[] {
  const out: Slot[] = [];
  const queue: unknown[] = [root];
  while (queue.length > 0 && out.length < limit) {
    const v = queue.shift();
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push({ parent: v, key: i });
        queue.push(x);
      });
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        out.push({ parent: v as Record<string, unknown>, key: k });
        queue.push(x);
      }
    }
  }
  return out;
}

/** Applies the ops to a deep copy of `value`; positions wrap around the value's slots. */
export function applyJsonOps(value: unknown, ops: readonly JsonOp[]): unknown {
  const root = { v: structuredClone(value) as unknown };
  for (const op of ops) {
    const all = [{ parent: root as Record<string, unknown>, key: 'v' }, ...slots(root.v)];
    const s = all[op.at % all.length]!;
    const get = () => (s.parent as Record<string | number, unknown>)[s.key];
    const set = (x: unknown) => ((s.parent as Record<string | number, unknown>)[s.key] = x);
    if (op.kind === 'replace') set(structuredClone(op.value));
    else if (op.kind === 'delete') {
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
      else if (s.parent !== root) delete (s.parent as Record<string, unknown>)[s.key as string];
    } else if (op.kind === 'add') {
      const target = get();
      if (Array.isArray(target)) target.push(structuredClone(op.value));
      else if (typeof target === 'object' && target !== null)
        Object.defineProperty(target, op.key, {
          value: structuredClone(op.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
    } else {
      let nested: unknown = get();
      for (let i = 0; i < op.depth; i++) nested = [nested];
      set(nested);
    }
  }
  return root.v;
}

export type ByteOp =
  | { readonly kind: 'set'; readonly at: number; readonly value: number }
  | { readonly kind: 'int'; readonly at: number; readonly value: number; readonly width: 1 | 2 | 4 | 8 }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: 'repeat'; readonly at: number; readonly length: number; readonly times: number };

export const byteOps = (max = 4): fc.Arbitrary<ByteOp[]> =>
  fc.array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('set' as const),
          at: fc.nat(),
          value: fc.integer({ min: 0, max: 255 }),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('int' as const),
          at: fc.nat(),
          value: interestingNumber,
          width: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('delete' as const),
          at: fc.nat(),
          length: fc.integer({ min: 1, max: 64 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('insert' as const),
          at: fc.nat(),
          bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('repeat' as const),
          at: fc.nat(),
          length: fc.integer({ min: 1, max: 16 }),
          times: fc.integer({ min: 2, max: 2000 }),
        }),
      },
    ),
    { minLength: 1, maxLength: max },
  );

/** Applies byte ops to a copy of `src` (positions wrap around its length). */
export function applyByteOps(src: Uint8Array, ops: readonly ByteOp[]): Uint8Array {
  let b: Uint8Array = src.slice();
  for (const op of ops) {
    const at = b.length === 0 ? 0 : op.at % (b.length + 1);
    if (op.kind === 'set') {
      if (b.length > 0) b[at % b.length] = op.value;
    } else if (op.kind === 'int') {
      const tmp = new DataView(new ArrayBuffer(8));
      if (op.width === 8) tmp.setBigUint64(0, BigInt.asUintN(64, BigInt(Math.trunc(op.value))), true);
      else tmp.setUint32(0, Math.trunc(op.value) >>> 0, true);
      const bytes = new Uint8Array(tmp.buffer, 0, op.width);
      const start = Math.min(at, Math.max(0, b.length - op.width));
      for (let i = 0; i < op.width && start + i < b.length; i++) b[start + i] = bytes[i]!;
    } else if (op.kind === 'truncate') b = b.slice(0, at);
    else if (op.kind === 'delete') b = concat(b.subarray(0, at), b.subarray(at + op.length));
    else if (op.kind === 'insert') b = concat(b.subarray(0, at), op.bytes, b.subarray(at));
    else {
      const piece = b.subarray(at, at + op.length);
      b = concat(b.subarray(0, at), ...Array.from({ length: op.times }, () => piece), b.subarray(at));
    }
  }
  return b;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(parts);
}

/** JSON text of a mutated value; a value too deep for JSON.stringify becomes a 100,000-deep list (still valid JSON). */
export function jsonText(v: unknown): string {
  try {
    return JSON.stringify(v) ?? 'null';
  } catch {
    return '['.repeat(100_000) + ']'.repeat(100_000);
  }
}
