/** Dataset rows → file text (CSV with a header, or JSONL): the inverse of parseDataset. No I/O. */
import Papa from 'papaparse';

/** One row to write: its text and label ('' or undefined = no label yet). */
export interface DatasetRow {
  readonly text: string;
  readonly label?: string | undefined;
}

/** CSV with the header `text,label` (RFC 4180 quoting by papaparse; CRLF line ends, as Excel expects). */
export function datasetToCsv(rows: readonly DatasetRow[]): string {
  return (
    Papa.unparse(
      { fields: ['text', 'label'], data: rows.map((r) => [r.text, r.label ?? '']) },
      { quotes: false, newline: '\r\n' },
    ) + '\r\n'
  );
}

/** JSON Lines `{"text": …, "label": …}`, label null when the row has none. */
export function datasetToJsonl(rows: readonly DatasetRow[]): string {
  return rows.map((r) => JSON.stringify({ text: r.text, label: r.label ? r.label : null }) + '\n').join('');
}

/** One scored row: its text, its label if the file had one, and the classifier's answer. */
export interface ScoredRow {
  readonly text: string;
  readonly label?: string | undefined;
  readonly predicted: string;
  readonly scores: Readonly<Record<string, number>>;
}

/**
 * Scores as CSV: `text,[label,]predicted,<class 1>,<class 2>…` (one probability column per class, in `labels`
 * order; the label column only when some row has one). Quoting by papaparse; CRLF line ends.
 */
export function scoresToCsv(rows: readonly ScoredRow[], labels: readonly string[]): string {
  const withLabel = rows.some((r) => r.label);
  const fields = ['text', ...(withLabel ? ['label'] : []), 'predicted', ...labels];
  const data = rows.map((r) => [
    r.text,
    ...(withLabel ? [r.label ?? ''] : []),
    r.predicted,
    ...labels.map((l) => String(r.scores[l] ?? '')),
  ]);
  return Papa.unparse({ fields, data }, { quotes: false, newline: '\r\n' }) + '\r\n';
}
