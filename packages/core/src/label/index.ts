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
} from './label-set';
export { fitLogistic, predictLogistic, argmaxRows, type LogisticModel, type LogisticOptions } from './logistic';
export { minimizeLbfgs, type Objective, type LbfgsOptions, type LbfgsResult } from './lbfgs';
export { stratifiedFolds, crossValidate, type CrossValidation, type TrainAndPredict } from './cross-validation';
export { uncertaintyScores, marginUncertainty, entropyUncertainty, type UncertaintyMeasure } from './uncertainty';
export { kCenterGreedy, nearestCentreDistances } from './k-center';
export {
  suggest,
  SAMPLING_STRATEGIES,
  type SamplingStrategy,
  type Suggestion,
  type SuggestInput,
  type SuggestOptions,
} from './suggest';
export {
  LabellingSession,
  createLabellingSession,
  restoreLabellingSession,
  type LabellingSessionOptions,
} from './session';
export {
  LABELLING_STATE_FORMAT,
  checkLabellingState,
  type LabellingState,
  type LabelAction,
  type LearningCurvePoint,
  type SessionSettings,
} from './session-state';
export {
  simulateLabelling,
  type SimulateOptions,
  type SimulationResult,
  type StrategyCurve,
  type CurvePoint,
} from './simulate';
