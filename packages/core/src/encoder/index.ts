export { copyBertEncoder, createBertEncoder, type CreateEncoderOptions } from './bert-encoder.ts';
export { createGraphModelEncoder, type GraphModelFiles, type GraphModelEncoderOptions } from './graph-model-encoder.ts';
export { requiredWeights, poolerWeights, type WeightSpec } from './weight-map.ts';
export { checkBatch } from './check-batch.ts';
export { encoderWeightValues } from './weight-values.ts';
export type * from './types.ts';
