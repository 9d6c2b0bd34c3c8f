import { DataError } from '../errors.ts';

/** Distinct labels with their counts, in first-seen order. */
export function countLabels(labels: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return counts;
}

const quoteList = (xs: readonly string[], max = 8): string =>
  xs
    .slice(0, max)
    .map((x) => `"${x.length > 40 ? `${x.slice(0, 40)}…` : x}"`)
    .join(', ') + (xs.length > max ? `, … (${xs.length} in all)` : '');

/**
 * Throws a DataError when the examples cannot train a classifier: no rows, a label column that is almost all
 * unique (text and label swapped?), a single class, or a class with fewer than 2 examples.
 */
export function validateLabels(labels: readonly string[], labelColumn: string, textColumn: string): void {
  if (labels.length === 0) {
    throw new DataError(
      'The dataset has no usable rows (every row lacked a text or a label)',
      'each row needs a non-empty text and a non-empty label',
    );
  }
  const counts = countLabels(labels);
  if (labels.length >= 5 && counts.size / labels.length >= 0.9 && counts.size > 2) {
    throw new DataError(
      `The label column "${labelColumn}" has ${counts.size} distinct values in ${labels.length} rows (${Math.round((100 * counts.size) / labels.length)} % unique) — did you swap text and label?`,
      `use --text-col/--label-col to name the columns (text is now "${textColumn}")`,
    );
  }
  if (counts.size < 2) {
    throw new DataError(
      `Only one class (${quoteList([...counts.keys()])}) in the label column "${labelColumn}"; a classifier needs at least 2`,
      'add examples of the other class(es), or check that --label-col names the right column',
    );
  }
  const rare = [...counts].filter(([, n]) => n < 2).map(([l]) => l);
  if (rare.length > 0) {
    throw new DataError(
      `${rare.length === 1 ? 'Class' : 'Classes'} ${quoteList(rare)} ${rare.length === 1 ? 'has' : 'have'} fewer than 2 examples`,
      'each class needs at least 2 examples (more for a useful split): add examples, merge or remove that class',
    );
  }
}
