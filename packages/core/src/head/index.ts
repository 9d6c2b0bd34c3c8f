export type * from './types';
export { createHead, headLogits, headVariables, HEAD_DEFAULTS } from './model';
export { predictHead } from './predict';
export { fitStandardizer, foldStandardizer, standardize } from './standardize';
