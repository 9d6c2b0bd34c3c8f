export { createBertEncoder, type CreateEncoderOptions } from './bert-encoder';
export { createGraphModelEncoder, type GraphModelFiles, type GraphModelEncoderOptions } from './graph-model-encoder';
export { requiredWeights, poolerWeights, type WeightSpec } from './weight-map';
export type * from './types';
