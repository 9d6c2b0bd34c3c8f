import {
  accuracy,
  argmax,
  confusionMatrix,
  logLoss,
  macroF1,
  perClassMetrics,
  type ClassIndices,
} from './classification.ts';
import { averagePrecision, rocAuc } from './ranking.ts';
import { TrainingError } from '../errors.ts';
import type { DecisionMetrics, MisclassifiedExample, SplitReport } from './report-types.ts';

/** Score rows: probabilities per class, rows aligned with the labels. */
export type ScoreRows = readonly ArrayLike<number>[];

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Accuracy, per-class P/R/F1, macro-F1 and confusion for given predictions. */
export function decisionMetrics(
  yTrue: ClassIndices,
  yPred: ClassIndices,
  labels: readonly string[],
  threshold?: number,
): DecisionMetrics {
  const confusion = confusionMatrix(yTrue, yPred, labels.length);
  const pc = perClassMetrics(confusion);
  const per_class: DecisionMetrics['per_class'] = {};
  labels.forEach((l, i) => (per_class[l] = pc[i]!));
  return {
    accuracy: accuracy(yTrue, yPred),
    macro_f1: macroF1(pc),
    per_class,
    confusion,
    ...(threshold !== undefined ? { threshold } : {}),
  };
}

/** Binary predictions as class indices: the positive class when its score ≥ threshold, else the other class. */
export function predictBinary(scores: ScoreRows, positiveIndex: number, threshold: number): Int32Array {
  const negative = 1 - positiveIndex;
  return Int32Array.from(scores, (row) => ((row[positiveIndex] ?? 0) >= threshold ? positiveIndex : negative));
}

/** The positive class's score and membership per example (inputs of ROC/PR/threshold functions). */
export function binaryView(
  yTrue: ClassIndices,
  scores: ScoreRows,
  positiveIndex: number,
): { positive: boolean[]; score: Float64Array } {
  return {
    positive: Array.from({ length: yTrue.length }, (_, i) => yTrue[i] === positiveIndex),
    score: Float64Array.from(scores, (row) => row[positiveIndex] ?? 0),
  };
}

export interface EvaluateOptions {
  labels: readonly string[];
  /** Binary problems: index of the positive class (enables ROC/PR/threshold). */
  positiveIndex?: number;
  /** Binary problems: the decision threshold (chosen on validation); default 0.5. */
  threshold?: number;
}

/**
 * Everything the report says about one split. Multi-class: argmax decisions. Binary: decisions at `threshold`
 * at the top level and in `at_threshold`, the untuned rule in `at_0_5`, plus ROC-AUC and average precision.
 */
export function evaluateSplit(yTrue: ClassIndices, scores: ScoreRows, options: EvaluateOptions): SplitReport {
  const { labels, positiveIndex } = options;
  if (yTrue.length !== scores.length) throw new RangeError(`${yTrue.length} labels but ${scores.length} score rows`);
  scores.forEach((row, i) => {
    if (row.length !== labels.length)
      throw new RangeError(`score row ${i} has ${row.length} values for ${labels.length} labels`);
    for (let j = 0; j < row.length; j++) {
      if (!Number.isFinite(row[j])) {
        throw new TrainingError(
          `The model produced a non-finite score (${row[j]}) for example ${i}`,
          'training diverged: lower the learning rate or enable gradient clipping, then train again',
        );
      }
    }
  });
  const loss = finiteOrNull(logLoss(yTrue, scores));
  if (labels.length !== 2 || positiveIndex === undefined) {
    return { n: yTrue.length, loss, ...decisionMetrics(yTrue, argmax(scores), labels) };
  }
  const threshold = options.threshold ?? 0.5;
  const atT = decisionMetrics(yTrue, predictBinary(scores, positiveIndex, threshold), labels, threshold);
  const at05 = decisionMetrics(yTrue, predictBinary(scores, positiveIndex, 0.5), labels, 0.5);
  const { positive, score } = binaryView(yTrue, scores, positiveIndex);
  return {
    n: yTrue.length,
    loss,
    ...atT,
    roc_auc: finiteOrNull(rocAuc(positive, score)),
    pr_auc: finiteOrNull(averagePrecision(positive, score)),
    at_0_5: at05,
    at_threshold: atT,
  };
}

/** Most frequent class of the training labels (lowest index on a tie) and its accuracy on `yEval`. */
export function majorityBaseline(
  yTrain: ClassIndices,
  yEval: ClassIndices,
  numClasses: number,
): { index: number; accuracy: number } {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < yTrain.length; i++) counts[yTrain[i]!]!++;
  let index = 0;
  for (let c = 1; c < numClasses; c++) if (counts[c]! > counts[index]!) index = c;
  let ok = 0;
  for (let i = 0; i < yEval.length; i++) if (yEval[i] === index) ok++;
  return { index, accuracy: yEval.length === 0 ? 0 : ok / yEval.length };
}

const MAX_TEXT = 500;

/**
 * Misclassified examples with their scores, most confidently wrong first (highest predicted-class score).
 * `rowIndex[i]` is example i's row in the dataset (default i); texts longer than 500 characters are cut.
 */
export function misclassified(
  yTrue: ClassIndices,
  yPred: ClassIndices,
  scores: ScoreRows,
  texts: readonly string[],
  labels: readonly string[],
  options: { rowIndex?: readonly number[]; limit?: number } = {},
): MisclassifiedExample[] {
  const wrong: number[] = [];
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] !== yPred[i]) wrong.push(i);
  wrong.sort((a, b) => (scores[b]![yPred[b]!] ?? 0) - (scores[a]![yPred[a]!] ?? 0) || a - b);
  return wrong.slice(0, options.limit ?? 200).map((i) => {
    const text = texts[i] ?? '';
    const s: Record<string, number> = {};
    labels.forEach((l, j) => (s[l] = scores[i]![j] ?? 0));
    return {
      index: options.rowIndex?.[i] ?? i,
      text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text,
      true: labels[yTrue[i]!]!,
      predicted: labels[yPred[i]!]!,
      scores: s,
    };
  });
}
