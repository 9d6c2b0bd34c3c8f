/**
 * The ONE model assembly: the plain files of a model folder → LoadedModel (config → tokenizer → weights → encoder
 * → inference engine → info). Used for hub repos, folders, picked files, a bundle's fine-tuned encoder, tests and
 * benches alike.
 */
import { parseBertConfig } from '../config/index.ts';
import type { BertConfig } from '../config/types.ts';
import { createBertEncoder, createGraphModelEncoder } from '../encoder/index.ts';
import type { BertEncoder } from '../encoder/types.ts';
import { withInference, type InferenceOptions } from '../kernel/attach.ts';
import { hasRandomInitMarker } from '../vocabulary.ts';
import type { ModelFiles, NamedBytes, WeightsFiles } from './files.ts';
import { assembleTokenizer } from './tokenizer.ts';
import { readModelWeights } from './weights.ts';
import { weightsHash } from './weights-hash.ts';
import { sentenceTransformersSettings } from './sentence-transformers.ts';
import type { LoadedModel, ModelInfo } from './types.ts';

export interface AssembleOptions {
  readonly source: string;
  readonly revision: string | undefined;
  readonly maxLength?: number | undefined;
  /** Which forward frozen embedding uses (kernel/attach.ts). */
  readonly inference?: InferenceOptions;
}

export async function assembleModel(
  files: ModelFiles & { readonly weights: WeightsFiles },
  options: AssembleOptions,
): Promise<LoadedModel> {
  const st = sentenceTransformersSettings(files.modulesJson, files.poolingConfig);
  const configRandomInit = hasRandomInitMarker(files.config);

  let config: BertConfig;
  let encoder: BertEncoder;
  let format: ModelInfo['weightsFormat'];
  let hashFiles: readonly NamedBytes[];
  let metaRandomInit = false;
  if (files.weights?.kind === 'tfjs-graph') {
    const w = files.weights;
    encoder = await createGraphModelEncoder(
      { modelJson: w.modelJson, shards: w.shards.map((s) => exactBuffer(s.bytes)) },
      files.config === undefined ? {} : { config: parseBertConfig(files.config) },
    );
    config = encoder.config;
    format = 'tfjs-graph';
    hashFiles = [w.modelJsonFile, ...w.shards];
  } else {
    config = parseBertConfig(files.config);
    const weights = readModelWeights(files.weights);
    metaRandomInit = hasRandomInitMarker(weights.metadata);
    const where = weights.files.map((f) => f.name).join(', ');
    encoder = createBertEncoder(config, weights.tensors, { source: `${where} of ${options.source}` });
    format = weights.format;
    hashFiles = weights.files;
  }
  try {
    encoder = withInference(encoder, options.inference);
  } catch (e) {
    encoder.dispose();
    throw e;
  }
  try {
    const tokenizer = assembleTokenizer(files.tokenizer, config, options.maxLength);
    const info: ModelInfo = {
      source: options.source,
      revision: options.revision,
      weightsHash: await weightsHash(hashFiles),
      weightsFormat: format,
      randomInit: configRandomInit || metaRandomInit,
      defaultPooling: st.defaultPooling,
      normalize: st.normalize,
      warnings: st.unsupportedPooling
        ? [
            `the model's sentence-transformers pooling "${st.unsupportedPooling}" is not implemented; mean pooling is the default instead`,
          ]
        : [],
    };
    return { info, config, tokenizer, encoder, dispose: () => encoder.dispose() };
  } catch (e) {
    encoder.dispose();
    throw e;
  }
}

export { assembleTokenizer };

/** The bytes as an ArrayBuffer of exactly their length (a view into a larger buffer is copied). */
function exactBuffer(b: Uint8Array): ArrayBuffer {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer
    ? b.buffer
    : b.slice().buffer;
}
