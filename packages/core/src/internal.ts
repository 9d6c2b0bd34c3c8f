/**
 * Unstable internals for the project's own benchmarks (bench/proto): the encoder's building blocks. Not part of the
 * public API; may change in any release.
 */
export { activation, dense, layerNorm } from './encoder/ops.ts';
