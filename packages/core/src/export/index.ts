export {
  exportClassifier,
  EXPORT_FORMATS,
  EXPORT_DTYPES,
  type ExportOptions,
  type ExportResult,
} from './export-classifier';
export { exactnessReport, hfExactness, type Exactness, type ExportFormat } from './exactness';
export type { ExportDType } from './onnx-weights';
export { readHeadLayers, type DenseLayer, type HeadLayers } from './head-layers';
export { readExportSource, type ExportSource } from './export-source';
export { cardMetrics, type CardMetrics } from './model-card';
