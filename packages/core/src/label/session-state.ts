/**
 * A labelling session as plain JSON (for IndexedDB, a file, a worker message) and its checks. No I/O: the caller
 * stores it; the features of the original pool are not in it (they come from the feature cache on restore), those
 * of typed examples are.
 */
import { DataError } from '../errors.ts';
import type { UncertaintyMeasure } from './uncertainty.ts';
import type { SamplingStrategy } from './suggest.ts';

export const LABELLING_STATE_FORMAT = 'browser-bert/labelling@1';

/** What the user did, in order (undo walks it backwards). */
export type LabelAction =
  | { readonly kind: 'label'; readonly index: number; readonly label: number; readonly previous: number }
  | { readonly kind: 'skip'; readonly index: number }
  | { readonly kind: 'add'; readonly index: number; readonly label: number };

/** One retrain: the learning curve's point. */
export interface LearningCurvePoint {
  /** Labelled texts at this point. */
  readonly labelled: number;
  /** Labelled texts per class. */
  readonly perClass: readonly number[];
  /** Cross-validated accuracy estimate on the labelled set (undefined: < 2 classes with ≥ 2 labels, or folds 0). */
  readonly cvAccuracy: number | undefined;
  readonly cvFolds: number;
  /** How many unlabelled texts the current model puts in each class. */
  readonly poolCounts: readonly number[];
  /** Wall time of the retrain (fit + cross-validation + pool predictions), ms. */
  readonly ms: number;
}

export interface SessionSettings {
  /** Retrain after this many changes (labels, typed examples, undos). Default 5. */
  readonly retrainEvery: number;
  readonly strategy: SamplingStrategy;
  readonly measure: UncertaintyMeasure;
  readonly seed: number;
  /** Cross-validation folds; 0 = no estimate. Default 5. */
  readonly folds: number;
  /** Logistic regression's inverse regularisation. Default 1. */
  readonly c: number;
  /** 'mixed': share of suggestions drawn at random (SuggestOptions.explore). Default 0.2. */
  readonly explore?: number;
  /** Labels drawn at random before active picks (SuggestOptions.seedSize). Default 4 × classes. */
  readonly seedSize?: number;
}

export interface LabellingState {
  readonly format: typeof LABELLING_STATE_FORMAT;
  readonly classes: string[];
  readonly texts: string[];
  /** Class index per text, −1 = unlabelled. */
  readonly labels: number[];
  readonly skipped: number[];
  readonly history: LabelAction[];
  /** Texts [0, poolSize) have their features in the pool features given on restore. */
  readonly poolSize: number;
  readonly dim: number;
  /** Features of the typed texts [poolSize, texts.length), row-major. */
  readonly addedFeatures: number[];
  readonly settings: SessionSettings;
  readonly curve: LearningCurvePoint[];
  readonly changesSinceRetrain: number;
}

const bad = (what: string) =>
  new DataError(`This labelling state is damaged: ${what}`, 'load an exported CSV/JSONL of the labels instead');

/** Throws DataError when `value` is not a LabellingState this version can restore. */
export function checkLabellingState(value: unknown): LabellingState {
  const s = value as Partial<LabellingState> | null;
  if (typeof s !== 'object' || s === null) throw bad('not an object');
  if (s.format !== LABELLING_STATE_FORMAT) {
    throw new DataError(
      `Unknown labelling state format ${JSON.stringify(s.format)} (expected ${LABELLING_STATE_FORMAT})`,
      'load an exported CSV/JSONL of the labels instead',
    );
  }
  const { texts, labels, classes, poolSize, dim, addedFeatures } = s;
  if (!Array.isArray(texts) || !Array.isArray(labels) || !Array.isArray(classes)) throw bad('texts/labels/classes');
  if (labels.length !== texts.length) throw bad(`${texts.length} texts but ${labels.length} labels`);
  if (labels.some((l) => !Number.isInteger(l) || l < -1 || l >= classes.length)) throw bad('a label out of range');
  if (!Number.isInteger(poolSize) || poolSize! < 0 || poolSize! > texts.length) throw bad('poolSize');
  if (
    !Number.isInteger(dim) ||
    !Array.isArray(addedFeatures) ||
    addedFeatures.length !== (texts.length - poolSize!) * dim!
  )
    throw bad('typed examples without features');
  if (!Array.isArray(s.skipped) || !Array.isArray(s.history) || !Array.isArray(s.curve) || !s.settings)
    throw bad('skipped/history/curve/settings');
  return s as LabellingState;
}
