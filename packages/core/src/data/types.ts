/** Plain-data records passed between the dataset stages (parse → labels → dedupe → split). No I/O here. */

export type DatasetFormat = 'csv' | 'tsv' | 'jsonl' | 'email';

/** A column named by its header name or by its 0-based index. */
export type ColumnRef = string | number;

export interface ParseDatasetOptions {
  /** Used only to guess the format from the extension (.csv/.tsv/.txt/.jsonl/.ndjson) and in messages. */
  fileName?: string;
  /** Default 'auto': JSONL when every non-empty line is a JSON object, else delimiter-separated (delimiter sniffed). */
  format?: 'csv' | 'tsv' | 'jsonl' | 'auto';
  /** Text column (header name or 0-based index). Default: auto-detected. */
  textColumn?: ColumnRef;
  /** Label column (header name or 0-based index). Default: auto-detected. */
  labelColumn?: ColumnRef;
  /** Whether the first row is a header. Default 'auto'. Ignored for JSONL. */
  hasHeader?: boolean | 'auto';
  /**
   * Check that the data can be trained on (≥ 2 classes, ≥ 2 examples per class, label column not ~unique).
   * Default true. Set false to only parse (e.g. to evaluate a saved classifier on a few rows).
   */
  validate?: boolean;
  /**
   * Keep rows whose label is empty (their label is '') instead of skipping them, and read a one-column table as
   * texts without labels (label column ''): a file to label (label/). Implies no label validation. Default false.
   */
  keepUnlabelled?: boolean;
}

export interface Dataset {
  readonly texts: string[];
  /** Raw label strings (trimmed), one per text. */
  readonly labels: string[];
  /** Column names seen (header names, JSON keys, or "column 0", "column 1", … without a header). */
  readonly columns: string[];
  /** Name of the text column used (one of `columns`). */
  readonly textColumn: string;
  /** Name of the label column used (one of `columns`). */
  readonly labelColumn: string;
  readonly format: DatasetFormat;
  /** The delimiter used for CSV/TSV (undefined for JSONL / e-mail). */
  readonly delimiter?: string;
  readonly hasHeader: boolean;
  /** Human-readable notes about the input (skipped rows, parser warnings, guesses made). */
  readonly warnings: string[];
  /** Rows skipped because their text or label was empty (or the row was too short to have them). */
  readonly rowsSkipped: number;
}

export interface LabelMap {
  /** Label strings in index order: labels[i] is class i. */
  readonly labels: string[];
  readonly index: ReadonlyMap<string, number>;
  /** Examples per class, in index order. */
  readonly counts: number[];
  /**
   * For binary problems: the index of the "positive" class used by ROC/PR/threshold metrics
   * (a recognised positive name such as spam/1/true/positive/yes, else the minority class). Undefined for multi-class.
   */
  readonly positiveIndex: number | undefined;
  readonly positiveLabel: string | undefined;
}

export interface DedupeResult {
  /** Indices (into the input arrays) of the rows kept, ascending: the first occurrence of each normalised text. */
  readonly keep: number[];
  /** Label of each kept row after conflict resolution (majority label of its duplicate group). */
  readonly labels: string[];
  /** Rows dropped (input length − kept). */
  readonly duplicatesRemoved: number;
  /** Duplicate groups whose members carried different labels (resolved by majority vote). */
  readonly conflictingGroups: number;
}

export interface SplitOptions {
  /** Train/validation/test fractions; default [0.8, 0.1, 0.1]. Must be ≥ 0 and sum to 1. */
  ratios?: readonly [number, number, number];
  /** PRNG seed (uint32); default 42. */
  seed?: number;
  /** De-duplicate (normalised text) before splitting; default true. */
  dedupe?: boolean;
}

export interface SplitCounts {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/**
 * A stratified split. Index arrays point into the arrays given to splitDataset.
 * The test split must never be used for choices (epochs, early stopping, threshold, hyper-parameters):
 * use validation for those and look at test once, for the report.
 */
export interface DatasetSplit {
  readonly train: number[];
  readonly validation: number[];
  readonly test: number[];
  readonly counts: SplitCounts;
  /** Per class (label string) counts in each split. */
  readonly perClass: Record<string, SplitCounts>;
  /** Labels after de-duplication, aligned with the input arrays (conflicts resolved); use these for training. */
  readonly labels: string[];
  readonly duplicatesRemoved: number;
  readonly conflictingDuplicates: number;
  readonly seed: number;
  readonly ratios: readonly [number, number, number];
}
