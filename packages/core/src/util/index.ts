export { createRng, deriveSeed, mulberry32, shuffleInPlace, type Rng } from './random';
export { sha256Hex } from './hash';
export { yieldToEventLoop, createYielder, type Yielder } from './yield';
