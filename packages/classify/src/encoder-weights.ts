/**
 * The encoder's config and weights for the kernel engine, from a classifier bundle: the bundle's own safetensors file
 * left to the workers when it is a Blob (IndexedDB), else read here from the bundle or the encoder's recorded source.
 */
import { FILES, type ClassifierBundle, type LazyClassifierBundle } from '../../core/src/bundle/types.ts';
import { parseBertConfig } from '../../core/src/config/parse.ts';
import type { BertConfig } from '../../core/src/config/types.ts';
import { WORD_EMBEDDINGS } from '../../core/src/encoder/weight-map.ts';
import { encoderWeightValues, planEncoderWeights } from '../../core/src/encoder/weight-values.ts';
import { EncoderMismatchError, StorageError, WeightsError } from '../../core/src/errors.ts';
import { createMemorySource } from '../../core/src/io/memory-source.ts';
import type { FileSource } from '../../core/src/io/types.ts';
import type { KernelCheckpointFile, KernelWeightValues } from '../../core/src/kernel/engine.ts';
import type { KernelSpawner } from '../../core/src/kernel/spawn.ts';
import { parseJsonFile, readModelFiles } from '../../core/src/model/files.ts';
import { readModelWeights } from '../../core/src/model/weights.ts';
import { weightsHash } from '../../core/src/model/weights-hash.ts';
import { shareableFloat32 } from '../../core/src/util/shared-memory.ts';
import { hasRandomInitMarker } from '../../core/src/vocabulary.ts';
import { readSafetensorsHeader, safetensorsHeaderLength } from '../../core/src/weights/safetensors.ts';
import type { LoadOptions } from './types.ts';

/** What differs between the browser and Node builds. */
export interface RuntimeEnv {
  /** The FileSource of an encoder source string (hub id, model-folder URL; in Node also a folder path). */
  encoderSource(source: string, revision: string | null, options: LoadOptions): FileSource;
  readonly spawner: KernelSpawner | undefined;
}

export interface EncoderWeights {
  readonly config: BertConfig;
  readonly randomInit: boolean;
  readonly weights: KernelWeightValues | KernelCheckpointFile;
}

/** Bytes read first from a safetensors file, to have its header in one read. */
const HEAD_GUESS = 256 * 1024;

/** The bundle's encoder weights when they are a Blob not read yet (an included encoder, saved in IndexedDB). */
export function weightsBlob(bundle: LazyClassifierBundle): Blob | undefined {
  const w = bundle.files[FILES.encoderWeights];
  return bundle.manifest.encoder.included && typeof Blob !== 'undefined' && w instanceof Blob ? w : undefined;
}

/**
 * The weights as the bundle's safetensors Blob, for the workers to read: only its header is read here, and checked
 * (every tensor there, with its shape and a float dtype) before any worker starts.
 */
export async function fileWeights(
  files: Readonly<Record<string, Uint8Array>>,
  file: Blob,
  where: string,
): Promise<EncoderWeights> {
  const configJson = parseJsonFile(files[FILES.encoderConfig]!, `${FILES.encoderConfig} of ${where}`);
  const config = parseBertConfig(configJson);
  const desc = `${FILES.encoderWeights} of ${where}`;
  let head: Uint8Array;
  try {
    // one read for the header in all but huge ones (bert's: ~5 KB per layer)
    head = new Uint8Array(await file.slice(0, HEAD_GUESS).arrayBuffer());
    const n = safetensorsHeaderLength(head, file.size);
    if (8 + n > head.byteLength) head = new Uint8Array(await file.slice(0, 8 + n).arrayBuffer());
  } catch (e) {
    if (e instanceof WeightsError) throw e;
    throw new StorageError(
      `Could not read ${desc} (${(e as Error).message})`,
      'the browser lost it (storage cleared or damaged): save the classifier again, or load it from a zip',
      { cause: e },
    );
  }
  const header = readSafetensorsHeader(head, file.size);
  const { raws, hasPooler } = planEncoderWeights(config, new Map(header.tensors.map((t) => [t.name, t])), desc);
  return {
    config,
    randomInit: hasRandomInitMarker(configJson),
    weights: { config, hasPooler, file, dataStart: header.dataStart, tensors: raws },
  };
}

/** The encoder's files: the bundle's own (fine-tuned), else its recorded source (or options.encoder). */
function encoderFiles(bundle: ClassifierBundle, options: LoadOptions, env: RuntimeEnv): FileSource {
  const m = bundle.manifest;
  const f = bundle.files;
  if (m.encoder.included) {
    return createMemorySource(
      {
        'config.json': f[FILES.encoderConfig]!,
        'model.safetensors': f[FILES.encoderWeights]!,
        'vocab.txt': f[FILES.vocab]!,
        'tokenizer_config.json': f[FILES.tokenizerConfig]!,
      },
      'the classifier bundle',
    );
  }
  const given = options.encoder;
  if (given !== undefined && typeof given !== 'string') return given;
  const source = given ?? m.encoder.source;
  return env.encoderSource(source, given === undefined ? m.encoder.revision : null, options);
}

/** The weights read here, as values: from the bundle, or from the encoder's source, checked against its hash. */
export async function sourceWeights(
  bundle: ClassifierBundle,
  options: LoadOptions,
  env: RuntimeEnv,
): Promise<EncoderWeights> {
  const m = bundle.manifest;
  const source = encoderFiles(bundle, options, env);
  const files = await readModelFiles(source, { onProgress: options.onProgress });
  if (files.weights.kind === 'tfjs-graph') {
    throw new WeightsError(
      `${source.description} is a TF.js graph model, which the kernel cannot run`,
      'use @browser-bert/core (TF.js) for graph models, or a checkpoint with its weights (safetensors)',
    );
  }
  const weights = readModelWeights(files.weights);
  if (!m.encoder.included) {
    const hash = await weightsHash(weights.files);
    if (hash !== m.encoder.weights_hash)
      throw new EncoderMismatchError(source.description, m.encoder.weights_hash, hash);
  }
  await source.finish?.();
  const config = parseBertConfig(files.config);
  // the word table goes straight into shared memory (one copy for every worker), the rest into plain arrays
  const { values, hasPooler } = encoderWeightValues(config, weights.tensors, source.description, (name, n) =>
    name === WORD_EMBEDDINGS ? shareableFloat32(n) : undefined,
  );
  const wordEmbeddings = values.get(WORD_EMBEDDINGS)!;
  values.delete(WORD_EMBEDDINGS);
  // Handed to the engine once, when it starts: nothing here keeps a second copy of the weights alive.
  let held: Map<string, Float32Array> | undefined = values;
  const take = async () => {
    const v = held!;
    held = undefined;
    return v;
  };
  return {
    config,
    randomInit: hasRandomInitMarker(files.config),
    weights: { config, hasPooler, wordEmbeddings, values: take },
  };
}
