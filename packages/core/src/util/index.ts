export { createRng, deriveSeed, mulberry32, shuffleInPlace, type Rng } from './random.ts';
export { sha256Hex } from './hash.ts';
export { yieldToEventLoop, createYielder, type Yielder } from './yield.ts';
export { concatBytes } from './bytes.ts';
