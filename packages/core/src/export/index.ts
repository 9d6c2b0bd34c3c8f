export {
  exportClassifier,
  EXPORT_FORMATS,
  EXPORT_DTYPES,
  type ExportOptions,
  type ExportResult,
} from './export-classifier.ts';
export { exactnessReport, hfExactness, type Exactness, type ExportFormat } from './exactness.ts';
export type { ExportDType } from './onnx-weights.ts';
export { readExportSource, type ExportSource } from './export-source.ts';
export { cardMetrics, type CardMetrics } from './model-card.ts';
