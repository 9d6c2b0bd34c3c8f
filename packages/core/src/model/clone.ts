/**
 * An encoder back to plain HF data: tf.Variables → HF-named tensors in PyTorch layout (Linear weights [out, in]),
 * and the files of an HF model folder (config.json + model.safetensors). Used to include a fine-tuned encoder in a
 * bundle, to copy an encoder, and by `convert`.
 */
import { configJson } from '../config/serialise.ts';
import { copyBertEncoder, poolerWeights, requiredWeights } from '../encoder/index.ts';
import { WORD_EMBEDDINGS, type WeightSpec } from '../encoder/weight-map.ts';
import { transpose2d } from '../encoder/weight-values.ts';
import type { BertEncoder } from '../encoder/types.ts';
import { RANDOM_INIT_MARKER } from '../vocabulary.ts';
import { WeightsError } from '../errors.ts';
import { floatTensor, numel } from '../weights/dtype.ts';
import { safetensorsByteLength, writeSafetensorsWith, type TensorHead } from '../weights/safetensors.ts';
import type { TensorMap } from '../weights/types.ts';

/** The encoder's current weights as HF tensors (names without "bert.", PyTorch layout). */
export function encoderTensors(encoder: BertEncoder, dtype: 'F32' | 'F16' = 'F32'): TensorMap {
  const out: TensorMap = new Map();
  for (const spec of presentSpecs(encoder)) {
    out.set(spec.name, floatTensor(spec.name, spec.shape, hfValues(encoder, spec), dtype));
  }
  return out;
}

/** The encoder's weight specs that it has values for (the pooler's only when it has one). */
function presentSpecs(encoder: BertEncoder): WeightSpec[] {
  const specs = [...requiredWeights(encoder.config), ...(encoder.hasPooler ? poolerWeights(encoder.config) : [])];
  return specs.filter(
    (spec) => encoder.variables.has(spec.name) || (spec.name === WORD_EMBEDDINGS && encoder.wordEmbeddings),
  );
}

/** One weight's current values in HF layout (Linear transposed to [out, in]), into `into` when given. */
function hfValues(encoder: BertEncoder, spec: WeightSpec, into?: Float32Array): Float32Array {
  const values =
    spec.name === WORD_EMBEDDINGS
      ? encoder.wordEmbeddings!
      : (encoder.variables.get(spec.name)!.dataSync() as Float32Array);
  if (values.length !== numel(spec.shape)) {
    throw new WeightsError(
      `${spec.name} has ${values.length} values, its shape [${spec.shape.join(', ')}] needs ${numel(spec.shape)}`,
    );
  }
  if (spec.layout === 'linear') return transpose2d(values, spec.shape[1]!, spec.shape[0]!, into);
  if (into === undefined) return values;
  into.set(values);
  return into;
}

/**
 * An independent copy of an encoder: fine-tuning it never changes the caller's model. Its weights share storage
 * with the source's until trained (copyBertEncoder), so an untrained layer costs no second copy.
 */
export function cloneEncoder(encoder: BertEncoder): BertEncoder {
  return copyBertEncoder(encoder);
}

export interface EncoderFileOptions {
  readonly randomInit: boolean;
  readonly fineTunedFrom?: string;
}

function weightsMetadata(options: EncoderFileOptions): Record<string, string> {
  return {
    format: 'pt',
    ...(options.randomInit ? RANDOM_INIT_MARKER : {}),
    ...(options.fineTunedFrom === undefined ? {} : { browser_bert_fine_tuned_from: options.fineTunedFrom }),
  };
}

/**
 * The encoder as the files of an HF model folder: config.json and model.safetensors (float32), both marked
 * random-init when the weights were, and the safetensors metadata naming the model it was fine-tuned from.
 */
export function encoderFiles(
  encoder: BertEncoder,
  options: EncoderFileOptions,
): { readonly config: Uint8Array; readonly weights: Uint8Array } {
  // each tensor read and written (transposed where HF stores [out, in]) straight into the file: no other copy
  const specs = presentSpecs(encoder);
  const weights = writeSafetensorsWith(
    float32Heads(specs),
    weightsMetadata(options),
    (i, data) => void hfValues(encoder, specs[i]!, new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4)),
  );
  return { config: encoderConfigFile(encoder, options), weights };
}

/** encoderFiles' config.json alone. */
export function encoderConfigFile(encoder: BertEncoder, options: EncoderFileOptions): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify(configJson(encoder.config, { randomInit: options.randomInit }), null, 2),
  );
}

/** The byte length of encoderFiles' model.safetensors, without reading or writing a weight. */
export function encoderWeightsByteLength(encoder: BertEncoder, options: EncoderFileOptions): number {
  return safetensorsByteLength(float32Heads(presentSpecs(encoder)), weightsMetadata(options));
}

const float32Heads = (specs: readonly WeightSpec[]): TensorHead[] =>
  specs.map((spec) => ({ name: spec.name, dtype: 'F32', shape: spec.shape }));
