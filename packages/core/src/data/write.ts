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
