/** Metrics stage: class indices + probability rows → metrics, curves, thresholds, the report JSON and its table. */
export type * from './report-types.ts';
export { REPORT_SCHEMA, EVAL_REPORT_SCHEMA } from './report-types.ts';
export {
  confusionMatrix,
  accuracy,
  perClassMetrics,
  macroF1,
  argmax,
  scoreRows,
  binaryScoreRows,
  logLoss,
  type ClassIndices,
} from './classification.ts';
export { rocAuc, rocCurve, prCurve, averagePrecision, trapezoid, type RocPoint, type PrPoint } from './ranking.ts';
export { selectThreshold, predictAtThreshold, type ThresholdChoice } from './threshold.ts';
export {
  evaluateSplit,
  decisionMetrics,
  predictBinary,
  binaryView,
  majorityBaseline,
  misclassified,
  type ScoreRows,
  type EvaluateOptions,
} from './evaluate.ts';
export { buildReport, type BuildReportInput, type EvaluatedSplit } from './report.ts';
export { buildEvalReport, type BuildEvalReportInput } from './eval-report.ts';
export { formatReportTable, formatEvalTable, RANDOM_INIT_NOTICE } from './format-table.ts';
export { binaryCurves, metricsAtThreshold, type BinaryCurves, type ThresholdRow } from './curves.ts';
