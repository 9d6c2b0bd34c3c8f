/**
 * Export for deployment (issue 12): the active classifier as a Transformers.js / ONNX / HF folder with its model
 * card (the library's exportClassifier), zipped here in the worker with fflate.
 */
import { zipSync } from 'fflate';
import { exportClassifier, ExportError } from './core';
import { state } from './context';
import type { DeployDTypeMsg, DeployExportMsg, DeployFormatMsg } from './protocol-label';

export async function exportDeploy(format: DeployFormatMsg, dtype: DeployDTypeMsg): Promise<DeployExportMsg> {
  const a = state.active;
  if (!a) throw new ExportError('No classifier to export yet', 'train one (step 3) or load a saved one (step 6)');
  const bundle = await a.classifier.toBundle();
  // a frozen classifier's bundle has no encoder: the export takes it from the model it was trained on (hash-checked)
  const model = a.borrows ?? state.model;
  const r = await exportClassifier(bundle, {
    format,
    dtype,
    ...(model ? { model } : {}),
    ...(a.trained ? { report: a.trained.report } : {}),
  });
  const zip = zipSync(r.files, { level: 6 });
  const bytes = zip.buffer.slice(zip.byteOffset, zip.byteOffset + zip.byteLength) as ArrayBuffer;
  const files = Object.entries(r.files)
    .map(([path, b]) => ({ path, bytes: b.byteLength }))
    .sort((x, y) => y.bytes - x.bytes || x.path.localeCompare(y.path));
  const base = (a.summary.name ?? 'classifier').replace(/[^\w.-]+/g, '-');
  return {
    fileName: `${base}-${format}${dtype === 'float32' ? '' : `-${dtype}`}.zip`,
    bytes,
    files,
    exactness: r.exactness.map((e) => `${e.format}: ${e.exact ? `exact — ${e.reason}` : e.reason}`),
  };
}
