/**
 * browser-bert core library (browsers, workers and Node). Layers, lowest first: errors + vocabulary + util → pure
 * formats and stages (config, tokenizer, weights, data, metrics, bundle) and the byte layer (io) → compute (runtime,
 * encoder, kernel, pooling, head) → model assembly → features → classifier → training → loaders. ARCHITECTURE.md.
 */
export * from './errors.ts';
export * from './vocabulary.ts';
export * from './util/index.ts';
export type * from './tokenizer/types.ts';
export type * from './weights/types.ts';
export type * from './config/types.ts';
export * from './config/index.ts';
export * from './tokenizer/index.ts';
export * from './weights/index.ts';
export * from './data/index.ts';
export * from './metrics/index.ts';
export * from './bundle/index.ts';
export * from './io/index.ts';
export {
  useBackend,
  activeBackend,
  type BackendChoice,
  type BackendName,
  type BackendOptions,
} from './runtime/backend.ts';
export type * from './encoder/types.ts';
export * from './encoder/index.ts';
export * from './kernel/index.ts';
export * from './pooling/index.ts';
export * from './head/index.ts';
export * from './model/index.ts';
export * from './features/index.ts';
export * from './classifier/index.ts';
export * from './train/index.ts';
export * from './label/index.ts';
export type * from './load/types.ts';
export { load, load as loadModel, loadTokenizer } from './load/model.ts';
export {
  loadClassifier,
  classifierFromBundleWithModel,
  setDefaultModelLoader,
  type LoadClassifierOptions,
  type ModelLoader,
} from './load/classifier.ts';
export * from './export/index.ts';
