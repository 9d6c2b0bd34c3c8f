/**
 * A binary classifier's curves and threshold table (the app's threshold slider), computed by the same functions
 * and rules as the report (evaluate.ts): at any threshold the table says exactly what the report would.
 */
import type { ClassIndices } from './classification.ts';
import { binaryView, decisionMetrics, predictBinary, type ScoreRows } from './evaluate.ts';
import { prCurve, rocCurve } from './ranking.ts';

/** Metrics of the positive class, and accuracy, when predicting positive at score ≥ threshold. */
export interface ThresholdRow {
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly accuracy: number;
}

export interface BinaryCurves {
  readonly roc: { readonly fpr: number[]; readonly tpr: number[] };
  /** By increasing recall. */
  readonly pr: { readonly recall: number[]; readonly precision: number[] };
  /** Thresholds 0, 1/steps, …, 1. */
  readonly atThreshold: ThresholdRow[];
}

/** The metrics at one threshold (precision 0 when nothing is predicted positive, as the report). */
export function metricsAtThreshold(
  yTrue: ClassIndices,
  scores: ScoreRows,
  labels: readonly string[],
  positiveIndex: number,
  threshold: number,
): ThresholdRow {
  const m = decisionMetrics(yTrue, predictBinary(scores, positiveIndex, threshold), labels, threshold);
  const pos = m.per_class[labels[positiveIndex]!]!;
  return { threshold, precision: pos.precision, recall: pos.recall, f1: pos.f1, accuracy: m.accuracy };
}

export function binaryCurves(
  yTrue: ClassIndices,
  scores: ScoreRows,
  labels: readonly string[],
  positiveIndex: number,
  steps = 100,
): BinaryCurves {
  const { positive, score } = binaryView(yTrue, scores, positiveIndex);
  const roc = rocCurve(positive, score);
  const pr = prCurve(positive, score).sort((a, b) => a.recall - b.recall);
  const atThreshold = Array.from({ length: steps + 1 }, (_, k) =>
    metricsAtThreshold(yTrue, scores, labels, positiveIndex, k / steps),
  );
  return {
    roc: { fpr: roc.map((p) => p.fpr), tpr: roc.map((p) => p.tpr) },
    pr: { recall: pr.map((p) => p.recall), precision: pr.map((p) => p.precision) },
    atThreshold,
  };
}
