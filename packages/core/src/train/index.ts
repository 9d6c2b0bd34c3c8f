export type * from './types';
export { trainClassifier, type TrainArgs, type TrainResult } from './pipeline';
export { resolveTrainOptions } from './options';
export { fineTune, fineTuneVariables, FROZEN_EMBEDDING, type FineTuneOptions, type FineTuneResult } from './fine-tune';
export {
  contrastiveTune,
  cosineSimilarityLoss,
  pairCosines,
  type ContrastiveOptions,
  type ContrastiveResult,
} from './contrastive';
export { samplePairs, type ContrastivePairs } from './pairs';
export { MAX_DEFAULT_PAIRS } from './few-shot-stage';
export { createRng, deriveSeed, type Rng } from '../util/random';
