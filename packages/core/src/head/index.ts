export type * from './types.ts';
export { createHead, headLogits, headVariables, HEAD_DEFAULTS } from './model.ts';
export { predictHead } from './predict.ts';
export { fitStandardizer, foldStandardizer, standardize } from './standardize.ts';
