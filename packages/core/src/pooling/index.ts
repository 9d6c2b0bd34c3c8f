export { pool, poolOutput, l2Normalize, pooledDim, DEFAULT_FLATTEN_LENGTH } from './pool.ts';
export type { HiddenPooling, PoolOptions } from './pool.ts';
