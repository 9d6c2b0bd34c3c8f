export type * from './types';
export { createClassifier, type ClassifierParts, type ClassifierSpec } from './classifier';
export {
  loadClassifier,
  classifierFromBundle,
  setDefaultModelLoader,
  type LoadClassifierOptions,
  type ClassifierSource,
  type ModelLoader,
} from './load';
export { decide } from './decide';
