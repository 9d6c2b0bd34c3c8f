import { DataError } from '../errors.ts';
import { chooseColumns, detectHeader } from './columns.ts';
import { decodeText } from './decode.ts';
import { parseDelimited } from './delimited.ts';
import { looksLikeJson, parseJsonRecords } from './jsonl.ts';
import type { Dataset, DatasetFormat, ParseDatasetOptions } from './types.ts';
import { validateLabels } from './validate.ts';

/** The most common number of fields per row (the table's width without a header). */
function modalWidth(rows: readonly (readonly string[])[]): number {
  const freq = new Map<number, number>();
  for (const r of rows) freq.set(r.length, (freq.get(r.length) ?? 0) + 1);
  let best = 0;
  let bestN = 0;
  for (const [w, n] of freq) if (n > bestN || (n === bestN && w > best)) [best, bestN] = [w, n];
  return best;
}

function formatFromName(fileName: string | undefined): 'csv' | 'tsv' | 'jsonl' | undefined {
  const ext = fileName?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (ext === 'csv') return 'csv';
  if (ext === 'jsonl' || ext === 'ndjson' || ext === 'json') return 'jsonl';
  return undefined;
}

/**
 * Parses a dataset file's content (already read: no I/O here) into texts and raw labels.
 *
 * Formats: CSV / TSV / `;` / `|` (delimiter and header auto-detected, quoted multi-line fields, BOM, CRLF;
 * HTML entities are left as text), plain `label<TAB>text` without header (columns told apart by cardinality and
 * length), JSONL (or a JSON array) with text/label keys auto-detected. Rows with an empty text or label are
 * skipped and counted. Throws DataError (saying what to fix) for binary/empty files and untrainable labels.
 */
export function parseDataset(input: string | Uint8Array, options: ParseDatasetOptions = {}): Dataset {
  const { fileName, hasHeader = 'auto', keepUnlabelled = false } = options;
  const validate = (options.validate ?? true) && !keepUnlabelled;
  const warnings: string[] = [];
  const text = decodeText(input, fileName, warnings);
  if (text.trim() === '') {
    throw new DataError(
      `${fileName ? `"${fileName}"` : 'The dataset'} is empty`,
      'give a file with one example per row (a text and its label)',
    );
  }
  const requested = options.format ?? 'auto';
  const fmt =
    requested !== 'auto' ? requested : (formatFromName(fileName) ?? (looksLikeJson(text) ? 'jsonl' : undefined));

  let columns: string[];
  let rows: string[][];
  let format: DatasetFormat;
  let delimiter: string | undefined;
  let header: boolean;
  if (fmt === 'jsonl') {
    ({ columns, rows } = parseJsonRecords(text));
    format = 'jsonl';
    header = true;
  } else {
    const table = parseDelimited(text, fmt === 'tsv' ? '\t' : undefined);
    warnings.push(...table.warnings);
    delimiter = table.delimiter;
    format = delimiter === '\t' ? 'tsv' : 'csv';
    header =
      hasHeader === 'auto'
        ? detectHeader(
            table.rows,
            [options.textColumn, options.labelColumn].filter((c): c is string => typeof c === 'string'),
          )
        : hasHeader;
    const width = modalWidth(table.rows);
    columns = header
      ? (table.rows[0] ?? []).map((c, i) => c.trim() || `column ${i}`)
      : Array.from({ length: width }, (_, i) => `column ${i}`);
    rows = header ? table.rows.slice(1) : table.rows;
  }
  if (rows.length === 0) {
    throw new DataError(
      `${fileName ? `"${fileName}"` : 'The dataset'} has a header but no data rows`,
      'add one example per row below the header',
    );
  }

  const textsOnly = keepUnlabelled && columns.length === 1;
  const {
    text: ti,
    label: li,
    guessed,
  } = textsOnly
    ? { text: 0, label: -1, guessed: false }
    : chooseColumns(columns, rows, options.textColumn, options.labelColumn);
  if (guessed)
    warnings.push(
      `using column "${columns[ti]}" as text and "${columns[li]}" as label (name them with --text-col/--label-col)`,
    );

  const texts: string[] = [];
  const labels: string[] = [];
  let skipped = 0;
  let firstSkipped = -1;
  let joined = 0;
  const rowOffset = header && format !== 'jsonl' ? 2 : 1;
  rows.forEach((row, r) => {
    let t = row[ti];
    let l = li < 0 ? '' : row[li]?.trim();
    // Unquoted delimiters inside the text: the extra fields belong to the text column, later columns shift right.
    const extra = row.length - columns.length;
    if (delimiter !== undefined && extra > 0 && row.slice(columns.length).some((f) => f.trim() !== '')) {
      t = row.slice(ti, ti + 1 + extra).join(delimiter);
      l = row[li < ti ? li : li + extra]?.trim();
      joined++;
    }
    if (t === undefined || t.trim() === '' || (!l && !keepUnlabelled)) {
      skipped++;
      if (firstSkipped < 0) firstSkipped = r + rowOffset;
      return;
    }
    texts.push(t.trim());
    labels.push(l ?? '');
  });
  if (skipped > 0) {
    warnings.push(`${skipped} row(s) skipped because the text or label was empty (first: record ${firstSkipped})`);
  }
  if (joined > 0)
    warnings.push(`${joined} row(s) had more fields than columns; the extra fields were kept as part of the text`);
  if (validate) validateLabels(labels, columns[li]!, columns[ti]!);
  const labelColumn = li < 0 ? '' : columns[li]!;
  return {
    texts,
    labels,
    columns,
    textColumn: columns[ti]!,
    labelColumn,
    format,
    ...(delimiter !== undefined ? { delimiter } : {}),
    hasHeader: header,
    warnings,
    rowsSkipped: skipped,
  };
}
