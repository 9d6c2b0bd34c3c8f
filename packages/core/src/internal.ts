/**
 * Unstable internals for the project's own benchmarks (bench/): the encoder's building blocks and the kernel's FMA
 * peak micro-benchmark. Not part of the public API; may change in any release.
 */
export { activation, dense, layerNorm } from './encoder/ops.ts';
export { measureFmaPeak } from './kernel/peak.ts';
