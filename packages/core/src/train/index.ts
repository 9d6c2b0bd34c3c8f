export type * from './types';
export { trainClassifier, type TrainArgs, type TrainResult } from './pipeline';
export { resolveTrainOptions } from './options';
export { fineTune, fineTuneVariables, FROZEN_EMBEDDING, type FineTuneOptions, type FineTuneResult } from './fine-tune';
export { createRng, deriveSeed, type Rng } from '../util/random';
