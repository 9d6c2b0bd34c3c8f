/**
 * Labelling: start without a labelled dataset. A label set (texts, class names, partial labels; CSV/JSONL), the
 * LabellingSession (label / skip / undo / typed examples, a fast head retrained on pooled features, a
 * cross-validated estimate, pool predictions, what to label next and why), and the simulation that replays
 * labelling on a labelled dataset (active vs random). Plain JS on features: no tensors, no I/O.
 */
export {
  UNLABELLED,
  checkClassNames,
  labelSetFrom,
  labelSetFromLines,
  parseLabelSet,
  labelSetToCsv,
  labelSetToJsonl,
  labelledDataset,
  type LabelSet,
  type ParseLabelSetOptions,
} from './label-set.ts';
export { fitLogistic, predictLogistic, argmaxRows, type LogisticModel, type LogisticOptions } from './logistic.ts';
export { minimizeLbfgs, type Objective, type LbfgsOptions, type LbfgsResult } from './lbfgs.ts';
export { stratifiedFolds, crossValidate, type CrossValidation, type TrainAndPredict } from './cross-validation.ts';
export { uncertaintyScores, marginUncertainty, entropyUncertainty, type UncertaintyMeasure } from './uncertainty.ts';
export { kCenterGreedy, nearestCentreDistances } from './k-center.ts';
export {
  suggest,
  SAMPLING_STRATEGIES,
  type SamplingStrategy,
  type Suggestion,
  type SuggestInput,
  type SuggestOptions,
} from './suggest.ts';
export {
  LabellingSession,
  createLabellingSession,
  restoreLabellingSession,
  type LabellingSessionOptions,
} from './session.ts';
export {
  LABELLING_STATE_FORMAT,
  checkLabellingState,
  type LabellingState,
  type LabelAction,
  type LearningCurvePoint,
  type SessionSettings,
} from './session-state.ts';
export {
  simulateLabelling,
  type SimulateOptions,
  type SimulationResult,
  type StrategyCurve,
  type CurvePoint,
} from './simulate.ts';
