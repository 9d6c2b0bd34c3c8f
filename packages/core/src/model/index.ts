/** Model assembly: the files of a model folder → LoadedModel, and an encoder back to files. */
export type * from './types';
export { loadFromSource, loadTokenizerFromSource, type SourceLoadOptions } from './from-source';
export { assembleModel, assembleTokenizer, type AssembleOptions } from './assemble';
export { readModelFiles, WEIGHTS_CANDIDATES, type ModelFiles, type WeightsFiles } from './files';
export { encoderTensors, cloneEncoder, encoderFiles } from './clone';
export { weightsHash } from './weights-hash';
