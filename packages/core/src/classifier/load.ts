/**
 * `loadClassifier(source)`: the tiny runtime entry point. Source: a URL of a published bundle folder,
 * `indexeddb://name`, a .zip (File/Blob/bytes), a bundle object, or (Node, after importing
 * '@browser-bert/core/node') a folder path. The encoder comes from the bundle when included (fine-tuned), else
 * from its hub source (or the `model` you pass), checked against the weights hash it was trained with.
 */
import { parseBertConfig } from '../config';
import { createBertEncoder } from '../encoder';
import { StorageError } from '../errors';
import { load } from '../hub/load';
import { withInference } from '../kernel/attach';
import type { LoadedModel, LoadOptions } from '../hub/types';
import { headFromFiles } from '../storage/head-files';
import { readBundle } from '../storage/router';
import { FILES, type ClassifierBundle } from '../storage/types';
import { parseManifest } from '../storage/parse-manifest';
import { checkBundle, checkManifest } from '../storage/validate';
import { bundleFromZip } from '../storage/zip';
import { createTokenizer } from '../tokenizer';
import { readSafetensors } from '../weights/safetensors';
import { createClassifier } from './classifier';
import type { Classifier } from './types';

export type ModelLoader = (source: string, options: LoadOptions) => Promise<LoadedModel>;

let defaultLoader: ModelLoader = (source, options) => load(source, options);

/** Node's entry point sets this to its folder-aware loader (local paths, cache folder, HF_ENDPOINT). */
export function setDefaultModelLoader(loader: ModelLoader): void {
  defaultLoader = loader;
}

export interface LoadClassifierOptions {
  /** An already loaded encoder to reuse (must be the one the classifier was trained on); not disposed with it. */
  model?: LoadedModel;
  /** How to load the encoder from its source when it is not in the bundle. Default: the hub loader. */
  loadModel?: ModelLoader;
  /** Passed to the model loader (endpoint, cache, progress…). */
  modelOptions?: LoadOptions;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/**
 * A URL / `indexeddb://name` / Node folder path; a .zip (File, Blob, bytes); a picked folder (File[] from
 * `<input webkitdirectory>` or drag and drop, or a FileSystemDirectoryHandle); or a bundle object.
 */
export type ClassifierSource =
  string | Blob | Uint8Array | ArrayBuffer | ClassifierBundle | readonly File[] | FileSystemDirectoryHandle;

/** Picked files → bundle: paths relative to the folder holding manifest.json. */
async function bundleFromFiles(files: readonly File[]): Promise<ClassifierBundle> {
  const rel = (f: File) => (f.webkitRelativePath || f.name).replace(/\\/g, '/');
  const manifestFile = files.find((f) => rel(f).split('/').pop() === 'manifest.json' && rel(f).split('/').length <= 2);
  if (!manifestFile)
    throw new StorageError('The picked files have no manifest.json', 'pick the classifier folder itself');
  const prefix = rel(manifestFile).slice(0, -'manifest.json'.length);
  const manifest = parseManifest(await manifestFile.text(), 'manifest.json of the picked folder');
  const byName = new Map(files.map((f) => [rel(f), f]));
  const out: Record<string, Uint8Array> = {};
  // Only the files the manifest lists (names checked by the path policy) are read.
  for (const name of checkManifest(manifest, 'the picked folder')) {
    const f = byName.get(prefix + name);
    if (f) out[name] = new Uint8Array(await f.arrayBuffer());
  }
  return checkBundle({ manifest, files: out }, 'the picked folder');
}

async function filesOfDirectory(dir: FileSystemDirectoryHandle, prefix = ''): Promise<File[]> {
  const out: File[] = [];
  const entries = (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries();
  for await (const [name, handle] of entries) {
    if (handle.kind === 'directory')
      out.push(...(await filesOfDirectory(handle as FileSystemDirectoryHandle, `${prefix}${name}/`)));
    else {
      const file = await (handle as FileSystemFileHandle).getFile();
      out.push(new File([file], `${prefix}${name}`));
    }
  }
  return out;
}

async function toBundle(source: ClassifierSource, options: LoadClassifierOptions): Promise<ClassifierBundle> {
  if (typeof source === 'string') {
    return readBundle(source, {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  if (source instanceof Uint8Array) return bundleFromZip(source);
  if (source instanceof ArrayBuffer) return bundleFromZip(new Uint8Array(source));
  if (typeof Blob !== 'undefined' && source instanceof Blob)
    return bundleFromZip(new Uint8Array(await source.arrayBuffer()));
  if (Array.isArray(source)) return bundleFromFiles(source as readonly File[]);
  if (typeof source === 'object' && 'kind' in source && source.kind === 'directory') {
    // names carry the relative path (webkitRelativePath is read-only): map them back
    const files = await filesOfDirectory(source);
    return bundleFromFiles(files.map((f) => Object.defineProperty(f, 'webkitRelativePath', { value: f.name })));
  }
  if (typeof source === 'object' && 'manifest' in source && 'files' in source)
    return checkBundle(source as ClassifierBundle, 'the bundle');
  throw new StorageError(
    'Unknown classifier source',
    'pass a URL, indexeddb://name, a folder path (Node), a .zip or a bundle',
  );
}

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
/** A JSON file of the bundle; text that is not JSON is a damaged bundle, said in one line. */
function jsonFile(files: ClassifierBundle['files'], name: string): unknown {
  try {
    return JSON.parse(text(files[name])) as unknown;
  } catch (e) {
    throw new StorageError(`${name} of the classifier is not valid JSON`, 'the bundle is damaged; save it again', {
      cause: e,
    });
  }
}

export async function classifierFromBundle(
  bundle: ClassifierBundle,
  options: LoadClassifierOptions = {},
): Promise<Classifier> {
  const m = bundle.manifest;
  const f = bundle.files;
  let encoder;
  let ownsEncoder = true;
  if (m.encoder.included) {
    const config = parseBertConfig(jsonFile(f, FILES.encoderConfig));
    const tfjsEncoder = createBertEncoder(config, readSafetensors(f[FILES.encoderWeights] as Uint8Array).tensors, {
      source: 'the classifier bundle',
    });
    try {
      encoder = withInference(tfjsEncoder, options.modelOptions);
    } catch (e) {
      tfjsEncoder.dispose();
      throw e;
    }
  } else {
    let model = options.model;
    if (!model) {
      const loader = options.loadModel ?? defaultLoader;
      model = await loader(m.encoder.source, {
        ...(options.modelOptions ?? {}),
        ...(m.encoder.revision ? { revision: m.encoder.revision } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } else {
      ownsEncoder = false;
    }
    if (model.info.weightsHash !== m.encoder.weights_hash) {
      if (ownsEncoder) model.dispose();
      throw new StorageError(
        `The encoder at ${m.encoder.source} (weights ${model.info.weightsHash.slice(0, 12)}…) is not the one this classifier was trained on (${m.encoder.weights_hash.slice(0, 12)}…)`,
        'use the same model revision, or save the classifier with the encoder included',
      );
    }
    encoder = model.encoder;
  }
  try {
    const tokenizer = createTokenizer(
      { vocabTxt: text(f[FILES.vocab]), tokenizerConfig: jsonFile(f, FILES.tokenizerConfig) },
      { maxLength: m.max_length, modelMaxLength: m.tokenizer.settings.modelMaxLength },
    );
    const head = await headFromFiles(f[FILES.headModel] as Uint8Array, f[FILES.headWeights] as Uint8Array);
    const { files: _files, ...spec } = m;
    return createClassifier({ spec, tokenizer, encoder, ownsEncoder, head });
  } catch (e) {
    if (ownsEncoder) encoder.dispose();
    throw e;
  }
}

export async function loadClassifier(
  source: ClassifierSource,
  options: LoadClassifierOptions = {},
): Promise<Classifier> {
  return classifierFromBundle(await toBundle(source, options), options);
}
