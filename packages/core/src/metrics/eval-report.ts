import { argmax } from './classification.ts';
import { evaluateSplit, majorityBaseline, misclassified, predictBinary } from './evaluate.ts';
import type { EvaluatedSplit } from './report.ts';
import { EVAL_REPORT_SCHEMA, type EncoderReport, type EvaluationReport } from './report-types.ts';

export interface BuildEvalReportInput {
  labels: readonly string[];
  positiveLabel?: string;
  /** Binary: the saved classifier's decision threshold (default 0.5). Never tuned on the evaluated data. */
  threshold?: number;
  data: EvaluatedSplit;
  encoder: EncoderReport;
  /** The training set's majority label, when the classifier bundle records it. */
  trainMajorityLabel?: string;
  timingMs?: Record<string, number>;
  maxMisclassified?: number;
}

/** Report for scoring a trained classifier on a labelled file (`browser-bert eval`). */
export function buildEvalReport(input: BuildEvalReportInput): EvaluationReport {
  const { labels, data } = input;
  const k = labels.length;
  const positiveIndex = k === 2 && input.positiveLabel !== undefined ? labels.indexOf(input.positiveLabel) : -1;
  const binary = positiveIndex >= 0;
  const threshold = input.threshold ?? 0.5;
  const metrics = evaluateSplit(data.labels, data.scores, { labels, ...(binary ? { positiveIndex, threshold } : {}) });
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < data.labels.length; i++) counts[data.labels[i]!]!++;
  const class_counts: Record<string, number> = {};
  labels.forEach((l, i) => (class_counts[l] = counts[i]!));
  const trainMajority = input.trainMajorityLabel === undefined ? -1 : labels.indexOf(input.trainMajorityLabel);
  const majority = trainMajority >= 0 ? trainMajority : majorityBaseline(data.labels, data.labels, k).index;
  const base = majorityBaseline([majority], data.labels, k);
  const pred = binary ? predictBinary(data.scores, positiveIndex, threshold) : argmax(data.scores);
  return {
    schema: EVAL_REPORT_SCHEMA,
    labels: [...labels],
    ...(binary ? { positive_label: input.positiveLabel! } : {}),
    class_counts,
    baseline: { majority_label: labels[base.index]!, majority_accuracy: base.accuracy },
    metrics,
    encoder: { ...input.encoder },
    timing_ms: { ...(input.timingMs ?? {}) },
    misclassified: misclassified(data.labels, pred, data.scores, data.texts ?? [], labels, {
      ...(data.rows ? { rowIndex: data.rows } : {}),
      limit: input.maxMisclassified ?? 200,
    }),
  };
}
