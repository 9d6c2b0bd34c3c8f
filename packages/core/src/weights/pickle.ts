/**
 * A minimal, non-executing pickle VM for torch.save files.
 * Written by hand because no JS library reads torch pickles safely: this one never imports or calls anything;
 * GLOBAL/STACK_GLOBAL resolve only names on an explicit allow-list (anything else → UnsafePickleError), and
 * "calls" (REDUCE/NEWOBJ) of allowed names are interpreted as plain data by the caller's `reduce` hook.
 */
import { UnsafePickleError, WeightsError } from '../errors.ts';

/** A name resolved by GLOBAL/STACK_GLOBAL that passed the allow-list. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Python dict (keys compared by value for str/int; other keys by identity). */
export type PyDict = Map<unknown, unknown>;

export interface PickleHooks {
  /** Is `module.name` allowed? Called for every GLOBAL/STACK_GLOBAL before anything else happens. */
  allowGlobal(module: string, name: string): boolean;
  /** Interprets `callable(*args)` for an allowed global (REDUCE / NEWOBJ). Must not execute anything. */
  reduce(callable: PyGlobal, args: unknown[]): unknown;
  /** BINPERSID / PERSID: torch storages. */
  persistentLoad?(pid: unknown): unknown;
}

function fail(message: string): never {
  throw new WeightsError(
    `Invalid PyTorch pickle: ${message}`,
    'the file is truncated, corrupt or not written by torch.save; download it again or convert it to safetensors',
  );
}

export interface PickleResult {
  readonly value: unknown;
  /** Offset just after the STOP opcode (legacy torch files hold several pickles back to back). */
  readonly end: number;
}

/** Unpickles one pickle starting at `start`. */
export function unpickle(bytes: Uint8Array, hooks: PickleHooks, start = 0): PickleResult {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let pos = start;
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();

  const need = (n: number) => {
    if (n < 0 || pos + n > bytes.byteLength) fail(`truncated at byte ${pos} (needs ${n} more bytes)`);
  };
  const u8 = () => {
    need(1);
    return bytes[pos++]!;
  };
  const u16 = () => {
    need(2);
    const v = dv.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = () => {
    need(4);
    const v = dv.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = () => {
    need(8);
    const v = dv.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(bytes.byteLength)) fail(`length ${v} exceeds the file size`);
    return Number(v);
  };
  const take = (n: number) => {
    need(n);
    const b = bytes.subarray(pos, pos + n);
    pos += n;
    return b;
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('unterminated text line');
    const s = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const str = (b: Uint8Array) => {
    try {
      return utf8.decode(b);
    } catch {
      fail('invalid UTF-8 in a string');
    }
  };
  const pop = () => {
    if (stack.length === 0 || (marks.length > 0 && stack.length <= marks[marks.length - 1]!)) fail('stack underflow');
    return stack.pop();
  };
  const top = () => {
    if (stack.length === 0) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = () => {
    const m = marks.pop();
    if (m === undefined) fail('MARK missing');
    return stack.splice(m);
  };
  const long = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const global = (module: string, name: string) => {
    if (!hooks.allowGlobal(module, name)) throw new UnsafePickleError(`${module}.${name}`);
    return new PyGlobal(module, name);
  };
  const call = (callable: unknown, args: unknown) => {
    if (!(callable instanceof PyGlobal)) fail('REDUCE on something that is not an allowed global');
    if (!Array.isArray(args)) fail(`arguments of ${callable.qualified} are not a tuple`);
    return hooks.reduce(callable, args);
  };
  const setItems = (d: unknown, items: unknown[]) => {
    if (!(d instanceof Map)) fail('SETITEM(S) on a non-dict');
    if (items.length % 2) fail('odd number of items for SETITEMS');
    for (let i = 0; i < items.length; i += 2) d.set(items[i], items[i + 1]);
  };
  const memoGet = (i: number) => {
    if (!memo.has(i)) fail(`memo key ${i} not found`);
    return memo.get(i);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('pickle protocol above 5');
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length) fail('stack not balanced at STOP');
        return { value: stack[0], end: pos };
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x64: // DICT
        {
          const d = new Map();
          setItems(d, popMark());
          stack.push(d);
        }
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new Set());
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) fail('ADDITEMS on a non-set');
        for (const x of items) s.add(x);
        break;
      }
      case 0x91: // FROZENSET
        stack.push(new Set(popMark()));
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        need(4);
        stack.push(dv.getInt32(pos, true));
        pos += 4;
        break;
      case 0x8a: // LONG1
        stack.push(long(take(u8())));
        break;
      case 0x8b: // LONG4
        stack.push(long(take(u32())));
        break;
      case 0x49: {
        // INT (text)
        const s = line();
        stack.push(s === '00' ? false : s === '01' ? true : Number.parseInt(s, 10));
        break;
      }
      case 0x4c: {
        // LONG (text)
        const s = line().replace(/L$/, '');
        if (!/^-?\d+$/.test(s)) fail(`bad LONG literal "${s}"`);
        const v = BigInt(s);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        stack.push(dv.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x46: // FLOAT (text)
        stack.push(Number.parseFloat(line()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(str(take(u8())));
        break;
      case 0x58: // BINUNICODE
        stack.push(str(take(u32())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(str(take(u64())));
        break;
      case 0x56: // UNICODE (protocol 0: raw-unicode-escape text line)
        stack.push(
          line().replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u: string, U: string) =>
            String.fromCodePoint(Number.parseInt(u ?? U, 16)),
          ),
        );
        break;
      case 0x53: {
        // STRING (protocol 0: a quoted Python literal; plain ASCII content only)
        const s = line();
        const m = /^(['"])(.*)\1$/.exec(s);
        if (!m || m[2]!.includes('\\')) fail('unsupported STRING literal');
        stack.push(m[2]);
        break;
      }
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(take(u8())));
        break;
      case 0x54: // BINSTRING
        stack.push(latin1.decode(take(u32())));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()));
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()));
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x70: // PUT
        memo.set(Number.parseInt(line(), 10), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(u32()));
        break;
      case 0x67: // GET
        stack.push(memoGet(Number.parseInt(line(), 10)));
        break;
      case 0x30: // POP
        if (marks.length && marks[marks.length - 1] === stack.length) marks.pop();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        const l = top();
        if (!Array.isArray(l)) fail('APPEND on a non-list');
        l.push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const l = top();
        if (!Array.isArray(l)) fail('APPENDS on a non-list');
        l.push(...items);
        break;
      }
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(global(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        stack.push(call(callable, args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        stack.push(call(cls, args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        pop(); // kwargs
        const args = pop();
        const cls = pop();
        stack.push(call(cls, args));
        break;
      }
      case 0x62: // BUILD: state for an object (OrderedDict._metadata, Parameter state …) — kept out of the data.
        pop();
        top();
        break;
      case 0x51: {
        // BINPERSID
        const pid = pop();
        if (!hooks.persistentLoad) fail('persistent id in a pickle that should have none');
        stack.push(hooks.persistentLoad(pid));
        break;
      }
      case 0x50: {
        // PERSID
        const pid = line();
        if (!hooks.persistentLoad) fail('persistent id in a pickle that should have none');
        stack.push(hooks.persistentLoad(pid));
        break;
      }
      case 0x69: {
        // INST "module\nname\n": class instantiation by name — check the allow-list first.
        const module = line();
        const cls = global(module, line());
        stack.push(call(cls, popMark()));
        break;
      }
      case 0x6f: {
        // OBJ
        const items = popMark();
        const cls = items.shift();
        stack.push(call(cls, items));
        break;
      }
      default:
        fail(
          `unsupported opcode 0x${op.toString(16).padStart(2, '0')} at byte ${pos - 1}` +
            (op === 0x82 || op === 0x83 || op === 0x84 ? ' (copyreg extension codes)' : ''),
        );
    }
  }
}
