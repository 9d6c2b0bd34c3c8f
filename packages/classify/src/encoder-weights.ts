/**
 * The encoder's config and weights for the kernel engine when the bundle's own safetensors file is a Blob not read yet
 * (IndexedDB): only its header is read here, the kernel's worker reads the rest. Other bundles: source-weights.ts.
 */
import { FILES, type LazyClassifierBundle } from '../../core/src/bundle/types.ts';
import { parseBertConfig } from '../../core/src/config/parse.ts';
import type { BertConfig } from '../../core/src/config/types.ts';
import { planEncoderWeights } from '../../core/src/encoder/weight-values.ts';
import { StorageError, WeightsError } from '../../core/src/errors.ts';
import type { FileSource } from '../../core/src/io/types.ts';
import type { KernelCheckpointFile, KernelWeightValues } from '../../core/src/kernel/engine.ts';
import type { KernelSpawner } from '../../core/src/kernel/spawn.ts';
import { parseJsonFile } from '../../core/src/model/files.ts';
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
