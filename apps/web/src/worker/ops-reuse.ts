/** Reuse of the active classifier and dataset: rename its classes, score a whole file, add an example to the data. */
import {
  classifierFromBundle,
  DataError,
  parseDataset,
  relabelBundle,
  scoresToCsv,
  TrainingError,
  type Classifier,
  type LoadedModel,
} from './core';
import { replaceActive, state } from './context';
import { summaryOf } from './ops-classifier';
import { datasetSummary } from './ops-data';
import type { ClassifierSummary, DatasetSummary } from './protocol';

function active() {
  const a = state.active;
  if (!a) throw new TrainingError('No classifier yet', 'train one (step 3) or load a saved one (step 6)');
  return a;
}

/**
 * New class names (in the head's order) for the active classifier: the same head and encoder, renamed everywhere
 * (manifest, stored report, predictions), so Try, Evaluate and saved bundles use them.
 */
export async function renameLabels(labels: readonly string[]): Promise<ClassifierSummary> {
  const a = active();
  const bundle = relabelBundle(await a.classifier.toBundle(), labels);
  // The renamed classifier runs on the same encoder: borrowed from the model, or from the old classifier's bundle.
  let classifier: Classifier;
  const borrows: LoadedModel | undefined = a.borrows;
  if (borrows && !bundle.manifest.encoder.fine_tuned) {
    classifier = await classifierFromBundle(
      { ...bundle, manifest: { ...bundle.manifest, encoder: { ...bundle.manifest.encoder, included: false } } },
      { model: borrows },
    );
  } else {
    classifier = await classifierFromBundle(bundle, borrows ? { includedModel: borrows } : {});
  }
  const summary = { ...summaryOf(classifier, a.summary.name, a.summary.savedAt), name: a.summary.name };
  const trained = a.trained ? { report: classifier.report ?? a.trained.report, test: a.trained.test } : undefined;
  replaceActive({ classifier, borrows, summary, trained });
  return summary;
}

const MAX_SCORED_ROWS = 100_000;

/** Scores every text of a CSV/TSV/JSONL/plain file (labels optional) → a CSV of predictions and class probabilities. */
export async function scoreFile(
  file: File,
  signal: AbortSignal,
): Promise<{ fileName: string; csv: string; rows: number; ms: number }> {
  const a = active();
  const data = parseDataset(new Uint8Array(await file.arrayBuffer()), {
    fileName: file.name,
    keepUnlabelled: true,
    validate: false,
  });
  if (data.texts.length > MAX_SCORED_ROWS) {
    throw new DataError(
      `${file.name} has ${data.texts.length} rows`,
      `split it into files of at most ${MAX_SCORED_ROWS} rows`,
    );
  }
  const t0 = performance.now();
  const predictions = await a.classifier.classify(data.texts, { signal });
  const csv = scoresToCsv(
    predictions.map((p, i) => ({
      text: data.texts[i] as string,
      label: data.labels[i],
      predicted: p.label,
      scores: p.scores,
    })),
    a.classifier.labels,
  );
  return {
    fileName: `${file.name.replace(/\.[^.]*$/, '')}-scores.csv`,
    csv,
    rows: data.texts.length,
    ms: performance.now() - t0,
  };
}

/** Appends one labelled text (e.g. corrected from Try) to the loaded dataset; the next training uses it. */
export function addExample(text: string, label: string): DatasetSummary {
  const d = state.dataset;
  if (!d) throw new DataError('No dataset is loaded', 'load a dataset in step 2 first');
  const t = text.trim();
  const l = label.trim();
  if (!t || !l) throw new DataError('The text and its label must not be empty', 'type a text and pick a label');
  const data = { ...d.data, texts: [...d.data.texts, t], labels: [...d.data.labels, l] };
  const added = (d.added ?? 0) + 1;
  state.dataset = { data, name: d.name, added };
  return datasetSummary(data, d.name, added);
}
