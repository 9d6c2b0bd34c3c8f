/** A tiny pickle (protocol 2) emitter: just the opcodes torch.save itself uses for a state_dict. */

export class PickleWriter {
  private chunks: number[] = [];
  private readonly enc = new TextEncoder();

  op(code: number | string): this {
    this.chunks.push(typeof code === 'string' ? code.charCodeAt(0) : code);
    return this;
  }

  private bytes(b: ArrayLike<number>): void {
    for (let i = 0; i < b.length; i++) this.chunks.push(b[i]!);
  }

  proto(): this {
    return this.op(0x80).op(2);
  }

  global(module: string, name: string): this {
    this.op('c');
    this.bytes(this.enc.encode(`${module}\n${name}\n`));
    return this;
  }

  str(s: string): this {
    const b = this.enc.encode(s);
    this.op('X');
    this.u32(b.length);
    this.bytes(b);
    return this;
  }

  private u32(n: number): void {
    this.bytes([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
  }

  int(n: number | bigint): this {
    const v = BigInt(n);
    if (v >= 0n && v < 256n) return this.op('K').op(Number(v));
    if (v >= 0n && v < 65536n) {
      const x = Number(v);
      this.op('M');
      this.bytes([x & 0xff, x >>> 8]);
      return this;
    }
    if (v >= -(2n ** 31n) && v < 2n ** 31n) {
      this.op('J');
      this.u32(Number(v) >>> 0);
      return this;
    }
    // LONG1: little-endian two's complement, minimal length.
    const out: number[] = [];
    let x = v;
    for (;;) {
      const byte = Number(x & 0xffn);
      out.push(byte);
      x >>= 8n;
      if ((x === 0n && !(byte & 0x80)) || (x === -1n && byte & 0x80)) break;
    }
    this.op(0x8a).op(out.length);
    this.bytes(out);
    return this;
  }

  bool(b: boolean): this {
    return this.op(b ? 0x88 : 0x89);
  }

  none(): this {
    return this.op('N');
  }

  /** A tuple of small items written by `items`. */
  tuple(items: (() => void)[]): this {
    if (items.length === 0) return this.op(')');
    if (items.length <= 3) {
      for (const f of items) f();
      return this.op(0x84 + items.length);
    }
    this.op('(');
    for (const f of items) f();
    return this.op('t');
  }

  intTuple(values: readonly number[]): this {
    return this.tuple(values.map((v) => () => void this.int(v)));
  }

  finish(): Uint8Array {
    this.op('.');
    return Uint8Array.from(this.chunks);
  }
}
