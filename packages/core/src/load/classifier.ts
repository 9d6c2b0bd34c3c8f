/**
 * `loadClassifier(source)`: a saved classifier, ready to classify. Source: a URL of a published bundle folder,
 * `indexeddb://name`, a .zip (File/Blob/bytes), picked files or a directory handle, a bundle object, or (Node) a
 * folder path. The encoder comes from the bundle when included (fine-tuned), else from the `model` you pass, else
 * from its recorded source (hub id, URL, folder) through the model loader — checked against the weights hash it was
 * trained with either way.
 */
import type { ClassifierBundle } from '../bundle/types.ts';
import { classifierFromBundle } from '../classifier/from-bundle.ts';
import type { Classifier } from '../classifier/types.ts';
import { readBundleFrom, type ClassifierSource } from '../io/bundle-source.ts';
import type { LoadedModel } from '../model/types.ts';
import { load } from './model.ts';
import { StorageError } from '../errors.ts';
import { PICKED_FILES_SOURCE } from '../io/picked-files.ts';
import type { LoadOptions } from './types.ts';

export type ModelLoader = (source: string, options: LoadOptions) => Promise<LoadedModel>;

let defaultLoader: ModelLoader = (source, options) => load(source, options);

/** installNodeDefaults() sets this to the folder-aware loader (local paths, cache folder, HF_ENDPOINT). */
export function setDefaultModelLoader(loader: ModelLoader): void {
  defaultLoader = loader;
}

export interface LoadClassifierOptions {
  /** An already loaded encoder to reuse (must be the one the classifier was trained on); not disposed with it. */
  model?: LoadedModel;
  /** How to load the encoder from its source when it is not in the bundle. Default: the hub loader. */
  loadModel?: ModelLoader;
  /** Passed to the model loader (endpoint, cache, progress…); its inference options also apply to a bundled encoder. */
  modelOptions?: LoadOptions;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /**
   * A request (the bundle by URL, or the encoder's files) that receives no byte for this long fails: StorageError
   * for the bundle, HubError kind 'timeout' for the encoder. Default 30 000 ms; 0 = wait forever.
   */
  stallTimeoutMs?: number;
}

/** The classifier a bundle describes, finding its encoder when the bundle does not include it. */
export async function classifierFromBundleWithModel(
  bundle: ClassifierBundle,
  options: LoadClassifierOptions = {},
): Promise<Classifier> {
  const m = bundle.manifest;
  const inference = options.modelOptions;
  if (m.encoder.included) return classifierFromBundle(bundle, { inference });
  if (options.model) return classifierFromBundle(bundle, { model: options.model, ownsModel: false });
  if (m.encoder.source === PICKED_FILES_SOURCE) {
    // Picked files have no address to load them again from: say which model to load instead of failing on the name.
    throw new StorageError(
      `This classifier was saved without its encoder, which came from a local model folder (weights hash ${m.encoder.weights_hash.slice(0, 12)}…)`,
      'load that same model folder first (the web app: step 1; the CLI: --encoder <folder>), or save the classifier again with its encoder included',
    );
  }
  const loader = options.loadModel ?? defaultLoader;
  const model = await loader(m.encoder.source, {
    ...(options.modelOptions ?? {}),
    ...(m.encoder.revision ? { revision: m.encoder.revision } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: options.stallTimeoutMs }),
  });
  return classifierFromBundle(bundle, { model, ownsModel: true });
}

export async function loadClassifier(
  source: ClassifierSource,
  options: LoadClassifierOptions = {},
): Promise<Classifier> {
  const bundle = await readBundleFrom(source, {
    fetch: options.fetch,
    signal: options.signal,
    stallTimeoutMs: options.stallTimeoutMs,
  });
  return classifierFromBundleWithModel(bundle, options);
}
