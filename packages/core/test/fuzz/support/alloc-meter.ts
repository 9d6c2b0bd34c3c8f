/**
 * Allocation meter for the fuzz properties: counts the bytes of every NEW buffer made through the typed-array and
 * ArrayBuffer constructors (`new Uint8Array(n)`, `Float32Array.from(…)`, `new ArrayBuffer(n)`; views on an existing
 * buffer are free and not counted). Import it FIRST in a fuzz file, before the code under test, so libraries that
 * keep a reference to the constructor (fflate's `u8 = Uint8Array`) get the metered one.
 *
 * The constructors are wrapped in Proxies: `instanceof`, statics and prototypes behave as before. Not counted:
 * `.slice()` / `ArrayBuffer.prototype.slice` (they use the engine's own constructors), strings, plain arrays and
 * objects — the JS heap is bounded separately (the targeted claim tests measure heap growth).
 */
const KINDS = [
  'Uint8Array',
  'Int8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

let counted = 0;
let active = false;

function sizeOf(result: unknown): number {
  if (result instanceof ArrayBuffer) return result.byteLength;
  return (result as ArrayBufferView).byteLength;
}

const g = globalThis as unknown as Record<string, unknown> & { __bbAllocMeter?: boolean };
if (!g.__bbAllocMeter) {
  g.__bbAllocMeter = true;
  for (const name of [...KINDS, 'ArrayBuffer'] as const) {
    const Target = g[name] as new (...args: unknown[]) => object;
    g[name] = new Proxy(Target, {
      construct(target, args, newTarget) {
        const result = Reflect.construct(target, args, newTarget === g[name] ? target : newTarget) as object;
        const first = args[0];
        const view =
          first instanceof ArrayBuffer ||
          (typeof SharedArrayBuffer !== 'undefined' && first instanceof SharedArrayBuffer);
        if (active && !view) counted += sizeOf(result);
        return result;
      },
    });
  }
}

/** Runs `f` and returns its outcome with the bytes it allocated through the metered constructors. */
export function metered<T>(f: () => T): { value?: T; error?: unknown; bytes: number } {
  const outer = active;
  const before = counted;
  active = true;
  try {
    return { value: f(), bytes: counted - before };
  } catch (error) {
    return { error, bytes: counted - before };
  } finally {
    active = outer;
  }
}

/** Async variant (the count includes anything else running meanwhile: use it on a quiet event loop). */
export async function meteredAsync<T>(f: () => Promise<T>): Promise<{ value?: T; error?: unknown; bytes: number }> {
  const outer = active;
  const before = counted;
  active = true;
  try {
    return { value: await f(), bytes: counted - before };
  } catch (error) {
    return { error, bytes: counted - before };
  } finally {
    active = outer;
  }
}
