import type { ClassIndices } from './classification.ts';
import { argmax } from './classification.ts';
import {
  binaryView,
  evaluateSplit,
  majorityBaseline,
  misclassified,
  predictBinary,
  type ScoreRows,
} from './evaluate.ts';
import { REPORT_SCHEMA, type EncoderReport, type TrainingReport } from './report-types.ts';
import { selectThreshold } from './threshold.ts';

/** One evaluated split: true class indices and the model's probability rows (plus texts for the error list). */
export interface EvaluatedSplit {
  labels: ClassIndices;
  scores: ScoreRows;
  /** Texts of the examples (test: used for the misclassified list). */
  texts?: readonly string[];
  /** Dataset row index of each example (default: position in this split). */
  rows?: readonly number[];
}

export interface BuildReportInput {
  /** Class labels in index order (LabelMap.labels). */
  labels: readonly string[];
  /** Binary problems: the positive class (LabelMap.positiveLabel). Omit for multi-class. */
  positiveLabel?: string;
  /** Training labels (class indices): for the majority baseline and class counts. */
  trainLabels: ClassIndices;
  validation: EvaluatedSplit;
  test: EvaluatedSplit;
  duplicatesRemoved: number;
  seed?: number;
  encoder: EncoderReport;
  timingMs?: Record<string, number>;
  /**
   * Binary: a fixed decision threshold. Default: chosen on validation by selectThreshold (max F1 of the positive
   * class). The test split is never used to choose it.
   */
  threshold?: number;
  /** Misclassified test examples to list (default 200). */
  maxMisclassified?: number;
  training?: Record<string, unknown>;
}

/**
 * Assembles the report JSON (issue 3's shape). Binary: the threshold is chosen on validation, validation and test
 * are reported at it (validation is therefore optimistic), test also at 0.5. Baseline: the training set's majority
 * class predicted for every test example.
 */
export function buildReport(input: BuildReportInput): TrainingReport {
  const { labels } = input;
  const k = labels.length;
  const binary = k === 2 && input.positiveLabel !== undefined;
  const positiveIndex = binary ? labels.indexOf(input.positiveLabel!) : undefined;
  if (binary && positiveIndex! < 0)
    throw new RangeError(`positive label "${input.positiveLabel}" is not one of ${labels.join(', ')}`);

  let threshold: number | undefined;
  if (binary) {
    if (input.threshold !== undefined) threshold = input.threshold;
    else {
      const v = binaryView(input.validation.labels, input.validation.scores, positiveIndex!);
      threshold = selectThreshold(v.positive, v.score).threshold;
    }
  }
  const opts = { labels, ...(binary ? { positiveIndex: positiveIndex!, threshold: threshold! } : {}) };
  const validation = evaluateSplit(input.validation.labels, input.validation.scores, opts);
  const test = evaluateSplit(input.test.labels, input.test.scores, opts);

  const counts = new Array<number>(k).fill(0);
  for (const ys of [input.trainLabels, input.validation.labels, input.test.labels])
    for (let i = 0; i < ys.length; i++) counts[ys[i]!]!++;
  const class_counts: Record<string, number> = {};
  labels.forEach((l, i) => (class_counts[l] = counts[i]!));

  const base = majorityBaseline(input.trainLabels, input.test.labels, k);
  const testPred = binary ? predictBinary(input.test.scores, positiveIndex!, threshold!) : argmax(input.test.scores);
  const wrong = misclassified(input.test.labels, testPred, input.test.scores, input.test.texts ?? [], labels, {
    ...(input.test.rows ? { rowIndex: input.test.rows } : {}),
    limit: input.maxMisclassified ?? 200,
  });

  return {
    schema: REPORT_SCHEMA,
    labels: [...labels],
    ...(binary ? { positive_label: input.positiveLabel! } : {}),
    class_counts,
    splits: {
      train: input.trainLabels.length,
      validation: input.validation.labels.length,
      test: input.test.labels.length,
    },
    duplicates_removed: input.duplicatesRemoved,
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
    baseline: { majority_label: labels[base.index]!, majority_accuracy: base.accuracy },
    validation,
    test,
    encoder: { ...input.encoder },
    timing_ms: { ...(input.timingMs ?? {}) },
    misclassified: wrong,
    ...(input.training ? { training: input.training } : {}),
  };
}
