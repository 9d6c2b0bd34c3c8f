/** Saved classifiers: IndexedDB (save / list / load / delete) and the downloadable zip bundle. */
import {
  bundleToZip,
  deleteSavedClassifier,
  EncoderMismatchError,
  IDB_SCHEME,
  listSavedClassifiers,
  loadClassifier,
  StorageError,
  TrainingError,
  type Classifier,
  type LoadedModel,
  type SavedClassifierInfo,
} from './core';
import { replaceActive, state, type OpContext } from './context';
import type { ClassifierSummary, FileProgressMsg, SavedClassifierMsg } from './protocol';

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

export async function save(name: string): Promise<SavedClassifierMsg[]> {
  if (!/^[\w.-]{1,64}$/.test(name)) {
    throw new StorageError(`"${name}" is not a valid name`, 'use 1–64 letters, digits, "-", "_" or "."');
  }
  const a = activeOrThrow();
  await a.classifier.save(`${IDB_SCHEME}${name}`);
  state.active = { ...a, summary: { ...a.summary, name, savedAt: new Date().toISOString() } };
  return listSaved();
}

/** Loads a classifier (saved in IndexedDB or a zip), reusing the loaded encoder when it is the right one. */
async function loadAny(
  source: string | Uint8Array,
  endpoint: string,
  ctx: OpContext<FileProgressMsg>,
): Promise<{ classifier: Classifier; borrows: LoadedModel | undefined }> {
  const current = state.model;
  // Reuse the loaded encoder when it is the one the classifier was trained on (no download at all); otherwise the
  // library loads the encoder from its source (model cache first, then the hub).
  if (current) {
    try {
      const classifier = await loadClassifier(source, { model: current, signal: ctx.signal });
      return { classifier, borrows: classifier.manifest.encoder.included ? undefined : current };
    } catch (e) {
      if (!(e instanceof EncoderMismatchError)) throw e;
    }
  }
  const classifier = await loadClassifier(source, {
    modelOptions: { endpoint, onProgress: (p) => ctx.progress({ ...p }) },
    signal: ctx.signal,
  });
  return { classifier, borrows: undefined };
}

function summaryOf(classifier: Classifier, name: string | undefined, savedAt: string | undefined): ClassifierSummary {
  return {
    name,
    labels: [...classifier.labels],
    encoderSource: classifier.manifest.encoder.source,
    randomInit: classifier.manifest.encoder.random_init,
    savedAt,
  };
}

export async function loadSaved(
  name: string,
  endpoint: string,
  ctx: OpContext<FileProgressMsg>,
): Promise<ClassifierSummary> {
  const info = (await listSavedClassifiers()).find((s) => s.name === name);
  if (!info) throw new StorageError(`No saved classifier named "${name}"`, 'pick one from the list');
  const { classifier, borrows } = await loadAny(`${IDB_SCHEME}${name}`, endpoint, ctx);
  const summary = summaryOf(classifier, name, info.savedAt);
  replaceActive({ classifier, borrows, summary, trained: undefined });
  return summary;
}

export async function loadBundle(
  bytes: ArrayBuffer,
  name: string | undefined,
  endpoint: string,
  ctx: OpContext<FileProgressMsg>,
): Promise<ClassifierSummary> {
  const { classifier, borrows } = await loadAny(new Uint8Array(bytes), endpoint, ctx);
  const summary = summaryOf(classifier, name, undefined);
  replaceActive({ classifier, borrows, summary, trained: undefined });
  return summary;
}

export async function deleteSaved(name: string): Promise<SavedClassifierMsg[]> {
  await deleteSavedClassifier(`${IDB_SCHEME}${name}`);
  return listSaved();
}

export async function exportZip(): Promise<{ fileName: string; bytes: ArrayBuffer }> {
  const a = activeOrThrow();
  const zip = bundleToZip(await a.classifier.toBundle());
  const bytes = zip.buffer.slice(zip.byteOffset, zip.byteOffset + zip.byteLength) as ArrayBuffer;
  return { fileName: `${a.summary.name ?? 'classifier'}.zip`, bytes };
}
