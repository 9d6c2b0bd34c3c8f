/**
 * A label set: texts, the class names, and a label (class index) or none for each text. Plain data; read from and
 * written to CSV / JSONL through data/ (a label column may be partly empty, or absent), or from plain lines.
 */
import { parseDataset } from '../data/parse-dataset.ts';
import { datasetToCsv, datasetToJsonl } from '../data/write.ts';
import type { ColumnRef, Dataset } from '../data/types.ts';
import { DataError } from '../errors.ts';

/** The label of a text not labelled yet. */
export const UNLABELLED = -1;

export interface LabelSet {
  /** Class names in index order (≥ 2, distinct, non-empty). */
  readonly classes: readonly string[];
  readonly texts: readonly string[];
  /** Class index of each text, or UNLABELLED. */
  readonly labels: readonly number[];
}

/** Checks class names: ≥ 2, each non-empty after trimming, no duplicates. Returns them trimmed. */
export function checkClassNames(classes: readonly string[]): string[] {
  const names = classes.map((c) => c.trim());
  if (names.some((c) => c === '')) throw new DataError('A class name is empty', 'give every class a name');
  const dup = names.find((c, i) => names.indexOf(c) !== i);
  if (dup !== undefined) throw new DataError(`The class name "${dup}" is given twice`, 'give each class its own name');
  if (names.length < 2) {
    throw new DataError(
      `Name at least 2 classes to label with (got ${names.length})`,
      'add the names of the classes, e.g. "spam" and "ham"',
    );
  }
  return names;
}

/**
 * A label set from texts and their raw labels ('' = unlabelled). The classes are `classes` (in that order)
 * followed by any other label found in the data, in order of appearance.
 */
export function labelSetFrom(data: Pick<Dataset, 'texts' | 'labels'>, classes: readonly string[] = []): LabelSet {
  const names = classes.map((c) => c.trim());
  for (const l of data.labels) {
    const t = l.trim();
    if (t !== '' && !names.includes(t)) names.push(t);
  }
  const index = new Map(checkClassNames(names).map((c, i) => [c, i] as const));
  return {
    classes: names,
    texts: [...data.texts],
    labels: data.labels.map((l) => index.get(l.trim()) ?? UNLABELLED),
  };
}

/** Texts to label, one per non-empty line (a plain .txt file or pasted text), none labelled. */
export function labelSetFromLines(text: string, classes: readonly string[]): LabelSet {
  const texts = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (texts.length === 0) throw new DataError('There are no texts to label', 'give one text per line');
  return labelSetFrom({ texts, labels: texts.map(() => '') }, classes);
}

export interface ParseLabelSetOptions {
  readonly fileName?: string;
  readonly textColumn?: ColumnRef;
  readonly labelColumn?: ColumnRef;
  /** Class names to use besides those found in the label column (they come first). */
  readonly classes?: readonly string[];
}

/**
 * A label set from a CSV/TSV/JSONL file whose label column may be partly or wholly empty (a one-column file is
 * texts only). Rows without text are skipped (parseDataset's warnings say how many).
 */
export function parseLabelSet(
  input: string | Uint8Array,
  options: ParseLabelSetOptions = {},
): { set: LabelSet; warnings: string[] } {
  const dataset = parseDataset(input, {
    keepUnlabelled: true,
    ...(options.fileName === undefined ? {} : { fileName: options.fileName }),
    ...(options.textColumn === undefined ? {} : { textColumn: options.textColumn }),
    ...(options.labelColumn === undefined ? {} : { labelColumn: options.labelColumn }),
  });
  return { set: labelSetFrom(dataset, options.classes ?? []), warnings: dataset.warnings };
}

const rowsOf = (set: LabelSet, labelledOnly: boolean) =>
  set.texts
    .map((text, i) => ({ text, label: set.classes[set.labels[i] as number] }))
    .filter((r) => !labelledOnly || r.label !== undefined);

/** CSV `text,label` of every text (label empty when unlabelled), or of the labelled ones only. */
export function labelSetToCsv(set: LabelSet, options: { labelledOnly?: boolean } = {}): string {
  return datasetToCsv(rowsOf(set, options.labelledOnly ?? false));
}

/** JSONL `{"text", "label"}` (label null when unlabelled), or of the labelled ones only. */
export function labelSetToJsonl(set: LabelSet, options: { labelledOnly?: boolean } = {}): string {
  return datasetToJsonl(rowsOf(set, options.labelledOnly ?? false));
}

/** The labelled texts as a dataset for trainClassifier (the normal flow after labelling). */
export function labelledDataset(set: LabelSet): { texts: string[]; labels: string[] } {
  const texts: string[] = [];
  const labels: string[] = [];
  set.texts.forEach((t, i) => {
    const c = set.classes[set.labels[i] as number];
    if (c === undefined) return;
    texts.push(t);
    labels.push(c);
  });
  return { texts, labels };
}
