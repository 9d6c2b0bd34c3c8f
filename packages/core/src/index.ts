/**
 * browser-bert core library (browsers, workers and Node). Layers, lowest first: errors + vocabulary + util → pure
 * formats and stages (config, tokenizer, weights, data, metrics, bundle) and the byte layer (io) → compute (runtime,
 * encoder, kernel, pooling, head) → model assembly → features → classifier → training → loaders. ARCHITECTURE.md.
 */
export * from './errors';
export * from './vocabulary';
export * from './util/index';
export type * from './tokenizer/types';
export type * from './weights/types';
export type * from './config/types';
export * from './config/index';
export * from './tokenizer/index';
export * from './weights/index';
export * from './data/index';
export * from './metrics/index';
export * from './bundle/index';
export * from './io/index';
export {
  useBackend,
  activeBackend,
  type BackendChoice,
  type BackendName,
  type BackendOptions,
} from './runtime/backend';
export type * from './encoder/types';
export * from './encoder/index';
export * from './kernel/index';
export * from './pooling/index';
export * from './head/index';
export * from './model/index';
export * from './features/index';
export * from './classifier/index';
export * from './train/index';
export * from './label/index';
export type * from './load/types';
export { load, load as loadModel, loadTokenizer, resolveSource, isModelUrl } from './load/model';
export {
  loadClassifier,
  classifierFromBundleWithModel,
  setDefaultModelLoader,
  type LoadClassifierOptions,
  type ModelLoader,
} from './load/classifier';
