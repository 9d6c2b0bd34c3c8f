export { createBertEncoder, type CreateEncoderOptions } from './bert-encoder';
export { requiredWeights, poolerWeights, type WeightSpec } from './weight-map';
export type * from './types';
