/** Model assembly: the files of a model folder → LoadedModel, and an encoder back to files. */
export type * from './types.ts';
export { loadFromSource, loadTokenizerFromSource, type SourceLoadOptions } from './from-source.ts';
export { assembleModel, assembleTokenizer, type AssembleOptions } from './assemble.ts';
export { readModelFiles, WEIGHTS_CANDIDATES, type ModelFiles, type WeightsFiles } from './files.ts';
export { encoderTensors, cloneEncoder, encoderFiles } from './clone.ts';
export { weightsHash } from './weights-hash.ts';
