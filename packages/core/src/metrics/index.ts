/** Metrics stage: class indices + probability rows → metrics, curves, thresholds, the report JSON and its table. */
export type * from './report-types';
export { REPORT_SCHEMA, EVAL_REPORT_SCHEMA } from './report-types';
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
} from './classification';
export { rocAuc, rocCurve, prCurve, averagePrecision, trapezoid, type RocPoint, type PrPoint } from './ranking';
export { selectThreshold, predictAtThreshold, type ThresholdChoice } from './threshold';
export {
  evaluateSplit,
  decisionMetrics,
  predictBinary,
  binaryView,
  majorityBaseline,
  misclassified,
  type ScoreRows,
  type EvaluateOptions,
} from './evaluate';
export { buildReport, type BuildReportInput, type EvaluatedSplit } from './report';
export { buildEvalReport, type BuildEvalReportInput } from './eval-report';
export { formatReportTable, formatEvalTable, RANDOM_INIT_NOTICE } from './format-table';
export { binaryCurves, metricsAtThreshold, type BinaryCurves, type ThresholdRow } from './curves';
