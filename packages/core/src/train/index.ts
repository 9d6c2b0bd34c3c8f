export type * from './types.ts';
export { trainClassifier, type TrainArgs, type TrainResult } from './pipeline.ts';
export { resolveTrainOptions, fineTuneEpochsFor, FINE_TUNE_MIN_STEPS } from './options.ts';
export {
  fineTune,
  fineTuneVariables,
  FROZEN_EMBEDDING,
  type FineTuneOptions,
  type FineTuneResult,
} from './fine-tune.ts';
export {
  contrastiveTune,
  cosineSimilarityLoss,
  pairCosines,
  type ContrastiveOptions,
  type ContrastiveResult,
} from './contrastive.ts';
export { samplePairs, type ContrastivePairs } from './pairs.ts';
export { MAX_DEFAULT_PAIRS } from './few-shot-stage.ts';
export { createRng, deriveSeed, type Rng } from '../util/random.ts';
