export type * from './types';
export { createHead, headLogits, headVariables, HEAD_DEFAULTS } from './model';
export { fitHead, evaluateHead, predictHead, type FitHeadOptions, type FitResult, type LabelledFeatures } from './fit';
export { fitStandardizer, foldStandardizer, standardize } from './standardize';
