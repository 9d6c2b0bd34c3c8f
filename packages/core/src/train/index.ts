export type * from './types.ts';
export { trainClassifier, type TrainArgs, type TrainResult } from './pipeline.ts';
export { resolveTrainOptions } from './options.ts';
export {
  fineTune,
  fineTuneVariables,
  FROZEN_EMBEDDING,
  type FineTuneOptions,
  type FineTuneResult,
} from './fine-tune.ts';
export { createRng, deriveSeed, type Rng } from '../util/random.ts';
