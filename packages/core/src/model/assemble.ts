/**
 * The ONE model assembly: the plain files of a model folder → LoadedModel (config → tokenizer → weights → encoder
 * → inference engine → info). Used for hub repos, folders, picked files, a bundle's fine-tuned encoder, tests and
 * benches alike.
 */
import { parseBertConfig } from '../config/index.ts';
import type { BertConfig } from '../config/types.ts';
import { createBertEncoder, createGraphModelEncoder } from '../encoder/index.ts';
import type { BertEncoder } from '../encoder/types.ts';
import { createTokenizer } from '../tokenizer/index.ts';
import type { Tokenizer, TokenizerFiles } from '../tokenizer/types.ts';
import type { ReadWeightsResult, TensorMap } from '../weights/types.ts';
import { mergeTensorMaps, readSafetensorsIndex, readTfjsWeights, readWeights } from '../weights/index.ts';
import { withInference, type InferenceOptions } from '../kernel/attach.ts';
import { weightsHash } from './weights-hash.ts';
import { hasRandomInitMarker } from '../vocabulary.ts';
import type { ModelFiles, NamedBytes, WeightsFiles } from './files.ts';
import { sentenceTransformersSettings } from './sentence-transformers.ts';
import type { LoadedModel, ModelInfo } from './types.ts';

export interface AssembleOptions {
  readonly source: string;
  readonly revision: string | undefined;
  readonly maxLength?: number | undefined;
  /** Which forward frozen embedding uses (kernel/attach.ts). */
  readonly inference?: InferenceOptions;
}

interface Weights {
  readonly format: ModelInfo['weightsFormat'];
  readonly tensors: TensorMap;
  readonly metadata: Readonly<Record<string, string>>;
  readonly files: readonly NamedBytes[];
}

function readAllWeights(w: Exclude<WeightsFiles, { kind: 'tfjs-graph' }>): Weights {
  if (w.kind === 'single') {
    const r: ReadWeightsResult = readWeights(w.file.bytes, w.file.name);
    const format = r.info.format === 'tfjs' ? 'tfjs-bundle' : r.info.format;
    return { format, tensors: r.tensors, metadata: r.info.metadata, files: [w.file] };
  }
  if (w.kind === 'safetensors-sharded' || w.kind === 'torch-sharded') {
    // Both index files have the same {"weight_map": {tensor: shard}} layout; each shard is sniffed on its own.
    const index = readSafetensorsIndex(w.index);
    const parts = w.shards.map((s) => readWeights(s.bytes, s.name));
    const tensors = mergeTensorMaps(
      parts.map((p) => p.tensors),
      { index, shardNames: w.shards.map((s) => s.name) },
    );
    const metadata = Object.assign({}, ...parts.map((p) => p.info.metadata)) as Record<string, string>;
    const first = parts[0]?.info.format;
    const format =
      w.kind === 'safetensors-sharded'
        ? 'safetensors-sharded'
        : first === 'torch-legacy'
          ? 'torch-legacy'
          : 'torch-zip';
    return { format, tensors, metadata, files: w.shards };
  }
  const r = readTfjsWeights(
    w.modelJson,
    w.shards.map((s) => s.bytes),
  );
  return { format: 'tfjs-bundle', tensors: r.tensors, metadata: r.info.metadata, files: w.shards };
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
    const weights = readAllWeights(files.weights);
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

/** The tokenizer of a model folder; its limit is the config's max_position_embeddings when there is a config. */
export function assembleTokenizer(
  files: TokenizerFiles,
  config: BertConfig | undefined,
  maxLength: number | undefined,
): Tokenizer {
  return createTokenizer(files, {
    ...(maxLength === undefined ? {} : { maxLength }),
    ...(config === undefined ? {} : { modelMaxLength: config.maxPositionEmbeddings }),
  });
}

/** The bytes as an ArrayBuffer of exactly their length (a view into a larger buffer is copied). */
function exactBuffer(b: Uint8Array): ArrayBuffer {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer
    ? b.buffer
    : b.slice().buffer;
}
