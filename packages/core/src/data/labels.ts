import { DataError } from '../errors.ts';
import type { LabelMap } from './types.ts';

/**
 * Natural order: digit runs compare as numbers ("2" < "10"), other text by code point.
 * Hand-written because Intl.Collator's order depends on the ICU version and locale, and label indices
 * must be identical in every browser and in Node.
 */
export function naturalCompare(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = BigInt(x);
      const ny = BigInt(y);
      if (nx !== ny) return nx < ny ? -1 : 1;
      return x.length - y.length; // "01" after "1"
    }
    return x < y ? -1 : 1;
  }
  if (ra.length !== rb.length) return ra.length - rb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Label names taken as the positive class of a binary problem (case-insensitive). */
export const POSITIVE_NAMES = [
  'spam',
  '1',
  'true',
  'positive',
  'pos',
  'yes',
  'y',
  'fraud',
  'phishing',
  'toxic',
  'abusive',
  'malicious',
];

export interface LabelMapOptions {
  /** Force the positive class of a binary problem (must be one of the labels). */
  positiveLabel?: string;
}

/**
 * Maps label strings to stable indices: distinct labels in natural sorted order (so ham=0, spam=1; 0=0, 1=1;
 * false=0, true=1; negative=0, positive=1), with class counts. For two classes, `positiveLabel` is the one used by
 * ROC/PR/threshold metrics: the option, else a recognised positive name (spam/1/true/positive/yes…), else the
 * minority class (the second one on a tie).
 */
export function buildLabelMap(labels: readonly string[], options: LabelMapOptions = {}): LabelMap {
  const counter = new Map<string, number>();
  for (const l of labels) counter.set(l, (counter.get(l) ?? 0) + 1);
  const names = [...counter.keys()].sort(naturalCompare);
  const index = new Map(names.map((l, i) => [l, i] as const));
  const counts = names.map((l) => counter.get(l)!);
  let positiveIndex: number | undefined;
  if (names.length === 2) {
    if (options.positiveLabel !== undefined) {
      const i = index.get(options.positiveLabel);
      if (i === undefined) {
        throw new DataError(
          `The positive label "${options.positiveLabel}" is not one of the labels (${names.map((n) => `"${n}"`).join(', ')})`,
          'name one of the two labels as positive',
        );
      }
      positiveIndex = i;
    } else {
      const named = names.map((n) => POSITIVE_NAMES.includes(n.trim().toLowerCase()));
      if (named[0] !== named[1]) positiveIndex = named[0] ? 0 : 1;
      else positiveIndex = counts[0]! < counts[1]! ? 0 : 1;
    }
  }
  return {
    labels: names,
    index,
    counts,
    positiveIndex,
    positiveLabel: positiveIndex === undefined ? undefined : names[positiveIndex],
  };
}

/** Label indices for `labels` under `map`; throws DataError naming a label the map does not know. */
export function encodeLabels(labels: readonly string[], map: LabelMap): Int32Array {
  const out = new Int32Array(labels.length);
  labels.forEach((l, i) => {
    const k = map.index.get(l);
    if (k === undefined) {
      throw new DataError(
        `Label "${l}" (row ${i + 1}) is not one the classifier knows (${map.labels.map((n) => `"${n}"`).join(', ')})`,
        'evaluate with data that uses the same label names as the training data',
      );
    }
    out[i] = k;
  });
  return out;
}
