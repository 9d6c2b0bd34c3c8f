import { DataError } from '../errors.ts';
import type { ColumnRef } from './types.ts';

/** Header names / JSON keys recognised as the text column, in order of preference. */
export const TEXT_KEYS = [
  'text',
  'sentence',
  'message',
  'sms',
  'content',
  'body',
  'review',
  'comment',
  'tweet',
  'document',
  'email',
  'question',
  'utterance',
] as const;
/** Header names / JSON keys recognised as the label column, in order of preference. */
export const LABEL_KEYS = [
  'label',
  'labels',
  'class',
  'category',
  'target',
  'type',
  'spam',
  'sentiment',
  'intent',
  'topic',
  'y',
] as const;

const norm = (s: string): string => s.trim().toLowerCase();

export interface ColumnStats {
  /** Distinct non-empty values / non-empty values (0 when the column is empty). */
  readonly uniqueRatio: number;
  readonly distinct: number;
  readonly meanLength: number;
  readonly numericRatio: number;
  readonly nonEmpty: number;
}

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Statistics of column `col` over `rows` (sampled to at most 5,000 rows for speed). */
export function columnStats(rows: readonly (readonly string[])[], col: number): ColumnStats {
  const step = Math.max(1, Math.floor(rows.length / 5000));
  const seen = new Set<string>();
  let n = 0;
  let len = 0;
  let numeric = 0;
  for (let r = 0; r < rows.length; r += step) {
    const v = rows[r]?.[col]?.trim() ?? '';
    if (v === '') continue;
    n++;
    len += v.length;
    seen.add(v);
    if (NUMERIC.test(v)) numeric++;
  }
  return {
    uniqueRatio: n === 0 ? 0 : seen.size / n,
    distinct: seen.size,
    meanLength: n === 0 ? 0 : len / n,
    numericRatio: n === 0 ? 0 : numeric / n,
    nonEmpty: n,
  };
}

/**
 * Decides whether the first row of a delimited file is a header (the UCI SMS file has none; most CSVs do).
 * Evidence against: a first-row cell that reappears as a value of a low-cardinality column (e.g. "ham").
 * Evidence for: a recognised column name, a non-numeric cell over a numeric column, or a cell much shorter
 * than the long-text column's typical value. Written by hand: papaparse does not detect headers.
 */
export function detectHeader(rows: readonly (readonly string[])[], userColumnNames: readonly string[] = []): boolean {
  const first = rows[0];
  if (!first) return false;
  const rest = rows.slice(1);
  const cells = first.map((c) => c.trim());
  // Empty header cells are fine over (mostly) empty columns (e.g. Kaggle's spam.csv: "v1,v2,,,"), not over data.
  const hasData = (i: number): boolean => rest.filter((r) => (r[i]?.trim() ?? '') !== '').length > 0.1 * rest.length;
  const named = cells.filter((c) => c !== '');
  if (named.length === 0 || cells.some((c, i) => c === '' && hasData(i)) || new Set(named).size !== named.length)
    return false;
  // Column names given by the user (not indices) that appear in the first row mean it is a header.
  const given = userColumnNames.filter((n) => !/^\d+$/.test(n.trim())).map(norm);
  if (given.length > 0 && given.every((n) => cells.some((c) => norm(c) === n))) return true;
  const stats = cells.map((_, i) => columnStats(rest, i));
  // A number over a numeric column (ids, scores, 0/1 labels) is data, not a column name.
  if (cells.some((c, i) => NUMERIC.test(c) && stats[i]!.numericRatio > 0.9)) return false;
  // More non-empty cells than most rows have fields: a data row with unquoted delimiters, not a header.
  const widths = new Map<number, number>();
  for (const r of rest) widths.set(r.length, (widths.get(r.length) ?? 0) + 1);
  const modal = [...widths].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? cells.length;
  if (cells.slice(modal).some((c) => c !== '')) return false;
  for (let i = 0; i < cells.length; i++) {
    const s = stats[i]!;
    if (s.nonEmpty > 0 && s.uniqueRatio < 0.5 && rest.some((r) => r[i]?.trim() === cells[i])) return false;
  }
  const known = new Set<string>([...TEXT_KEYS, ...LABEL_KEYS]);
  if (cells.some((c) => known.has(norm(c)))) return true;
  let votes = 0;
  for (let i = 0; i < cells.length; i++) {
    const s = stats[i]!;
    const c = cells[i]!;
    if (s.numericRatio > 0.9 && !NUMERIC.test(c)) votes++;
    if (s.meanLength > 40 && c.length < s.meanLength / 4) votes++;
    // A few-valued (label-like) column whose first cell is not one of its values.
    if (
      c !== '' &&
      rest.length >= 3 &&
      s.distinct <= Math.max(2, rest.length / 3) &&
      !rest.some((r) => r[i]?.trim() === c)
    )
      votes++;
  }
  return votes > 0;
}

/** Resolves a user-given column (name, case-insensitive name, or 0-based index — also as a digit string). */
export function resolveColumn(ref: ColumnRef, columns: readonly string[], what: 'text' | 'label'): number {
  const flag = what === 'text' ? '--text-col' : '--label-col';
  const list = columns.map((c) => `"${c}"`).join(', ');
  if (typeof ref === 'number' || /^\d+$/.test(ref.trim())) {
    const exact = typeof ref === 'string' ? columns.indexOf(ref) : -1;
    if (exact >= 0) return exact;
    const i = typeof ref === 'number' ? ref : Number(ref.trim());
    if (Number.isInteger(i) && i >= 0 && i < columns.length) return i;
    throw new DataError(
      `The ${what} column index ${ref} is out of range: the file has ${columns.length} columns (${list})`,
      `use ${flag} with a 0-based index below ${columns.length} or a column name`,
    );
  }
  let i = columns.indexOf(ref);
  if (i < 0) i = columns.findIndex((c) => norm(c) === norm(ref));
  if (i < 0) {
    throw new DataError(
      `No ${what} column named "${ref}"; the columns are ${list}`,
      `use ${flag} with one of those names or a 0-based index`,
    );
  }
  return i;
}

function byName(columns: readonly string[], keys: readonly string[], exclude: number): number {
  for (const k of keys) {
    const i = columns.findIndex((c, j) => j !== exclude && norm(c) === k);
    if (i >= 0) return i;
  }
  return -1;
}

/**
 * Chooses the text and label columns: the user's choice first, then recognised names, then statistics
 * (label = fewest distinct short values, text = longest varied values among the non-numeric columns).
 */
export function chooseColumns(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  textRef: ColumnRef | undefined,
  labelRef: ColumnRef | undefined,
): { text: number; label: number; guessed: boolean } {
  // guessed = at least one column was chosen from statistics (not named by the user or a known header name)
  const list = columns.map((c) => `"${c}"`).join(', ');
  if (columns.length < 2) {
    throw new DataError(
      `Found ${columns.length} column (${list}); a dataset needs a text column and a label column`,
      'give one example per row as label<TAB>text, a CSV with text and label columns, or JSONL {"text": …, "label": …}',
    );
  }
  let text = textRef === undefined ? -1 : resolveColumn(textRef, columns, 'text');
  let label = labelRef === undefined ? -1 : resolveColumn(labelRef, columns, 'label');
  if (text < 0) text = byName(columns, TEXT_KEYS, label);
  if (label < 0) label = byName(columns, LABEL_KEYS, text);
  const guessed = text < 0 || label < 0;
  const stats = columns.map((_, i) => columnStats(rows, i));
  if (label < 0) {
    // Fewest distinct values wins, but a constant column (e.g. "source") only when nothing varies.
    let best = -1;
    for (let i = 0; i < columns.length; i++) {
      const s = stats[i]!;
      if (i === text || s.nonEmpty === 0) continue;
      const b = best < 0 ? undefined : stats[best]!;
      const varies = s.distinct >= 2;
      const bVaries = b !== undefined && b.distinct >= 2;
      if (
        !b ||
        (varies && !bVaries) ||
        (varies === bVaries && (s.distinct < b.distinct || (s.distinct === b.distinct && s.meanLength < b.meanLength)))
      )
        best = i;
    }
    label = best;
  }
  if (text < 0) {
    let best = -1;
    for (let i = 0; i < columns.length; i++) {
      const s = stats[i]!;
      if (i === label || s.nonEmpty === 0 || s.numericRatio > 0.9) continue;
      if (best < 0 || s.meanLength * s.uniqueRatio > stats[best]!.meanLength * stats[best]!.uniqueRatio) best = i;
    }
    text = best;
  }
  if (text < 0) {
    throw new DataError(
      `No text column found; the columns are ${list}${label >= 0 ? ` (label: "${columns[label]}")` : ''}`,
      'name the text column with --text-col (name or 0-based index); it must hold the texts, not numbers',
    );
  }
  if (label < 0 || label === text) {
    throw new DataError(
      `No label column found besides the text column "${columns[text]}"; the columns are ${list}`,
      'name the label column with --label-col (name or 0-based index)',
    );
  }
  return { text, label, guessed };
}
