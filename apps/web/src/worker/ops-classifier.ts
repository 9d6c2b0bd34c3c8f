/** Saved classifiers: IndexedDB (save / list / load / delete) and the downloadable zip bundle. */
import {
  bundleToZip,
  classifierFromBundle,
  classifierFromBundleWithModel,
  deleteSavedClassifier,
  IDB_SCHEME,
  includedEncoderModel,
  listSavedClassifiers,
  PICKED_FILES_SOURCE,
  readBundleFrom,
  StorageError,
  TrainingError,
  type Classifier,
  type LoadedModel,
  type SavedClassifierInfo,
} from './core';
import { pickedSources, replaceActive, replaceModel, state, type OpContext } from './context';
import { modelSummary, openModel } from './ops-model';
import type {
  BundleSizesMsg,
  ClassifierEncoderMsg,
  ClassifierSummary,
  FileProgressMsg,
  ModelSummary,
  SavedClassifierMsg,
} from './protocol';

const toMsg = (s: SavedClassifierInfo): SavedClassifierMsg => ({
  name: s.name,
  labels: s.labels,
  encoderSource: s.encoderSource,
  savedAt: s.savedAt,
  bytes: s.size,
});

export async function listSaved(): Promise<SavedClassifierMsg[]> {
  return (await listSavedClassifiers()).map(toMsg).sort((a, b) => a.name.localeCompare(b.name));
}

function activeOrThrow() {
  const a = state.active;
  if (!a) throw new TrainingError('No classifier to keep yet', 'train one (step 3) or load a saved one');
  return a;
}

export async function save(name: string, includeEncoder = true): Promise<SavedClassifierMsg[]> {
  if (!/^[\w.-]{1,64}$/.test(name)) {
    throw new StorageError(`"${name}" is not a valid name`, 'use 1–64 letters, digits, "-", "_" or "."');
  }
  const a = activeOrThrow();
  await a.classifier.save(`${IDB_SCHEME}${name}`, {
    includeEncoder: includeEncoder || a.classifier.manifest.encoder.fine_tuned,
  });
  state.active = { ...a, summary: { ...a.summary, name, savedAt: new Date().toISOString() } };
  return listSaved();
}

interface Opened {
  readonly classifier: Classifier;
  /** The model the classifier borrows (kept alive by the worker state), if any. */
  readonly borrows: LoadedModel | undefined;
  /** A model loading it brought in, to become the current model (step 1). */
  readonly adopt: LoadedModel | undefined;
}

/**
 * Loads a classifier (saved in IndexedDB or a zip). Its encoder comes from the bundle when included (a frozen one
 * then also becomes the current model: it is the model the classifier was trained on), else the loaded model when it
 * is the right one (same weights hash), else its recorded hub id + revision (model cache first, then the hub); an
 * encoder from picked files cannot be found again, and the library says which folder to load.
 */
async function loadAny(
  source: string | Uint8Array,
  endpoint: string,
  ctx: OpContext<FileProgressMsg>,
): Promise<Opened> {
  const bundle = await readBundleFrom(source, { signal: ctx.signal });
  const m = bundle.manifest;
  if (m.encoder.included) {
    const model = await includedEncoderModel(bundle);
    try {
      const classifier = await classifierFromBundle(bundle, { includedModel: model });
      return { classifier, borrows: model, adopt: m.encoder.fine_tuned ? undefined : model };
    } catch (e) {
      model.dispose();
      throw e;
    }
  }
  const current = state.model;
  if (current?.info.weightsHash === m.encoder.weights_hash) {
    return { classifier: await classifierFromBundle(bundle, { model: current }), borrows: current, adopt: undefined };
  }
  let loaded: LoadedModel | undefined;
  try {
    const classifier = await classifierFromBundleWithModel(bundle, {
      signal: ctx.signal,
      // The worker state owns the model (it becomes the current one); the classifier only borrows it.
      loadModel: async (id, o) => {
        loaded = await openModel({ kind: 'hub', id, revision: o.revision ?? 'main', endpoint }, ctx);
        return { ...loaded, dispose: () => undefined };
      },
    });
    return { classifier, borrows: loaded, adopt: loaded };
  } catch (e) {
    loaded?.dispose();
    throw e;
  }
}

function encoderMsg(c: Classifier): ClassifierEncoderMsg {
  const e = c.manifest.encoder;
  return {
    source: e.source,
    revision: e.revision,
    weightsHash: e.weights_hash,
    included: e.included,
    fineTuned: e.fine_tuned,
    pickedFiles: e.source === PICKED_FILES_SOURCE || pickedSources.has(e.source),
  };
}

export function summaryOf(
  classifier: Classifier,
  name: string | undefined,
  savedAt: string | undefined,
  model?: ModelSummary,
): ClassifierSummary {
  return {
    name,
    labels: [...classifier.labels],
    encoderSource: classifier.manifest.encoder.source,
    randomInit: classifier.manifest.encoder.random_init,
    savedAt,
    encoder: encoderMsg(classifier),
    report: classifier.report,
    ...(model ? { model } : {}),
  };
}

/** Makes an opened classifier the active one (and a model it brought the current one). */
function activate(o: Opened, name: string | undefined, savedAt: string | undefined, t0: number): ClassifierSummary {
  if (o.adopt) replaceModel(o.adopt);
  const summary = summaryOf(
    o.classifier,
    name,
    savedAt,
    o.adopt ? modelSummary(o.adopt, performance.now() - t0) : undefined,
  );
  replaceActive({ classifier: o.classifier, borrows: o.borrows, summary, trained: undefined });
  return summary;
}

export async function loadSaved(
  name: string,
  endpoint: string,
  ctx: OpContext<FileProgressMsg>,
): Promise<ClassifierSummary> {
  const info = (await listSavedClassifiers()).find((s) => s.name === name);
  if (!info) throw new StorageError(`No saved classifier named "${name}"`, 'pick one from the list');
  const t0 = performance.now();
  return activate(await loadAny(`${IDB_SCHEME}${name}`, endpoint, ctx), name, info.savedAt, t0);
}

export async function loadBundle(
  bytes: ArrayBuffer,
  name: string | undefined,
  endpoint: string,
  ctx: OpContext<FileProgressMsg>,
): Promise<ClassifierSummary> {
  const t0 = performance.now();
  return activate(await loadAny(new Uint8Array(bytes), endpoint, ctx), name, undefined, t0);
}

export async function deleteSaved(name: string): Promise<SavedClassifierMsg[]> {
  await deleteSavedClassifier(`${IDB_SCHEME}${name}`);
  return listSaved();
}

/** Exact sizes of the zip with and without the encoder (without writing the encoder's weights: a MiniLM's 90 MB). */
export async function bundleSizes(): Promise<BundleSizesMsg> {
  const a = activeOrThrow();
  const c = a.classifier;
  const withEncoder = await c.zipByteLength({ includeEncoder: true });
  const headOnly = c.manifest.encoder.fine_tuned ? undefined : await c.zipByteLength({ includeEncoder: false });
  return { withEncoder, headOnly, encoder: encoderMsg(c) };
}

export async function exportZip(includeEncoder = true): Promise<{ fileName: string; bytes: ArrayBuffer }> {
  const a = activeOrThrow();
  const zip = bundleToZip(
    await a.classifier.toBundle({ includeEncoder: includeEncoder || a.classifier.manifest.encoder.fine_tuned }),
  );
  const bytes = zip.buffer.slice(zip.byteOffset, zip.byteOffset + zip.byteLength) as ArrayBuffer;
  return { fileName: `${a.summary.name ?? 'classifier'}.zip`, bytes };
}
