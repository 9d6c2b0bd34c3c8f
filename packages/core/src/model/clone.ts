/**
 * An encoder back to plain HF data: tf.Variables → HF-named tensors in PyTorch layout (Linear weights [out, in]),
 * and the files of an HF model folder (config.json + model.safetensors). Used to include a fine-tuned encoder in a
 * bundle, to copy an encoder, and by `convert`.
 */
import { configJson } from '../config/serialise.ts';
import { copyBertEncoder, poolerWeights, requiredWeights } from '../encoder/index.ts';
import { WORD_EMBEDDINGS } from '../encoder/weight-map.ts';
import { transpose2d } from '../encoder/weight-values.ts';
import type { BertEncoder } from '../encoder/types.ts';
import { RANDOM_INIT_MARKER } from '../vocabulary.ts';
import { floatTensor } from '../weights/dtype.ts';
import { safetensorsByteLength, writeSafetensors } from '../weights/safetensors.ts';
import type { TensorMap } from '../weights/types.ts';

/** The encoder's current weights as HF tensors (names without "bert.", PyTorch layout). */
export function encoderTensors(encoder: BertEncoder, dtype: 'F32' | 'F16' = 'F32'): TensorMap {
  const specs = [...requiredWeights(encoder.config), ...(encoder.hasPooler ? poolerWeights(encoder.config) : [])];
  const out: TensorMap = new Map();
  for (const spec of specs) {
    const v = encoder.variables.get(spec.name);
    const table = spec.name === WORD_EMBEDDINGS ? encoder.wordEmbeddings : undefined;
    if (!v && !table) continue;
    let values = table ?? (v!.dataSync() as Float32Array);
    if (spec.layout === 'linear') values = transpose2d(values, spec.shape[1]!, spec.shape[0]!);
    out.set(spec.name, floatTensor(spec.name, spec.shape, values, dtype));
  }
  return out;
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
  const weights = writeSafetensors(encoderTensors(encoder), weightsMetadata(options));
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
  const specs = [...requiredWeights(encoder.config), ...(encoder.hasPooler ? poolerWeights(encoder.config) : [])];
  const present = specs.filter(
    (spec) => encoder.variables.has(spec.name) || (spec.name === WORD_EMBEDDINGS && encoder.wordEmbeddings),
  );
  return safetensorsByteLength(
    present.map((spec) => ({ name: spec.name, dtype: 'F32' as const, shape: spec.shape })),
    weightsMetadata(options),
  );
}
