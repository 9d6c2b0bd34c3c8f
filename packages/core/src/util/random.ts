/**
 * The one seeded PRNG (mulberry32) for splits, shuffling, batch order, initialisers and dropout seeds: identical in
 * every JS engine (Math.random cannot be seeded). Hand-written because it is 10 lines and no library is needed.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform uint32. */
  nextUint32(): number;
  /** In-place Fisher–Yates shuffle; returns the array. */
  shuffle<T>(items: T[]): T[];
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextUint32() / 4294967296;
  return { next, nextUint32, shuffle: (items) => shuffleInPlace(items, next) };
}

/** mulberry32 as a plain function returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  return createRng(seed).next;
}

/** In-place Fisher–Yates shuffle driven by `rand` (e.g. mulberry32(seed)). Returns the same array. */
export function shuffleInPlace<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
  return items;
}

/** Derives an independent seed for a sub-stream (e.g. "init", "shuffle", "dropout") from the user's seed. */
export function deriveSeed(seed: number, stream: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  return createRng(h).nextUint32();
}
