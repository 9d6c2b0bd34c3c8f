/** Reading and checking a dataset (parsing happens here, off the main thread). */
import { countLabels, dedupe, parseDataset, DataError, type Dataset } from './core';
import { state } from './context';
import type { DatasetOptionsMsg, DatasetSourceMsg, DatasetSummary } from './protocol';

const PREVIEW_ROWS = 50;
const PREVIEW_CHARS = 400;

async function readSource(source: DatasetSourceMsg): Promise<{ bytes: Uint8Array | string; name: string }> {
  if (source.kind === 'text') return { bytes: source.text, name: source.name };
  if (source.kind === 'file') return { bytes: new Uint8Array(await source.file.arrayBuffer()), name: source.file.name };
  const res = await fetch(source.url);
  if (!res.ok) {
    throw new DataError(
      `The built-in dataset is missing (${res.status} for ${source.url})`,
      'start the app with `npm start` (or build it with `npm run build`), which prepares public/data/spam-assassin.jsonl',
    );
  }
  return { bytes: new Uint8Array(await res.arrayBuffer()), name: source.name };
}

export async function loadDataset(source: DatasetSourceMsg, options: DatasetOptionsMsg): Promise<DatasetSummary> {
  const { bytes, name } = await readSource(source);
  const data = parseDataset(bytes, {
    fileName: source.kind === 'file' ? source.file.name : source.kind === 'builtin' ? 'builtin.jsonl' : undefined,
    ...(options.textColumn !== undefined ? { textColumn: options.textColumn } : {}),
    ...(options.labelColumn !== undefined ? { labelColumn: options.labelColumn } : {}),
    validate: options.validate ?? true,
  });
  // Only a dataset that parsed and validated replaces the current one.
  state.dataset = { data, name };
  return datasetSummary(data, name, 0);
}

/** What the Data step shows of a dataset (`added`: examples added from Try since it was loaded). */
export function datasetSummary(data: Dataset, name: string, added: number): DatasetSummary {
  const counts = countLabels(data.labels);
  const classCounts = [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count);
  return {
    name,
    format: data.format,
    columns: data.columns,
    textColumn: data.textColumn,
    labelColumn: data.labelColumn,
    rows: data.texts.length,
    rowsSkipped: data.rowsSkipped,
    classCounts,
    duplicates: dedupe(data.texts, data.labels).duplicatesRemoved,
    warnings: data.warnings,
    ...(added > 0 ? { added } : {}),
    preview: data.texts.slice(0, PREVIEW_ROWS).map((t, i) => ({
      text: t.length > PREVIEW_CHARS ? `${t.slice(0, PREVIEW_CHARS)}…` : t,
      label: data.labels[i] ?? '',
    })),
  };
}
