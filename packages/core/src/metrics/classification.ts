import type { ClassMetrics } from './report-types.ts';

/** Labels as class indices 0 … k−1. */
export type ClassIndices = ArrayLike<number>;

function checkLengths(yTrue: ClassIndices, yPred: ClassIndices): void {
  if (yTrue.length !== yPred.length)
    throw new RangeError(`${yTrue.length} true labels but ${yPred.length} predictions`);
}

/** confusion[t][p] = number of examples of true class t predicted as p (k × k). */
export function confusionMatrix(yTrue: ClassIndices, yPred: ClassIndices, numClasses: number): number[][] {
  checkLengths(yTrue, yPred);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses))
      throw new RangeError(`class index out of range at ${i}: true ${t}, predicted ${p}`);
    m[t]![p]!++;
  }
  return m;
}

/** Fraction of exact matches (0 for no examples). */
export function accuracy(yTrue: ClassIndices, yPred: ClassIndices): number {
  checkLengths(yTrue, yPred);
  if (yTrue.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++;
  return ok / yTrue.length;
}

/**
 * Precision, recall, F1 and support per class from a confusion matrix. A class never predicted has precision 0,
 * a class with no examples recall 0, and F1 is 0 when precision + recall is 0 (sklearn's zero_division=0) — never NaN.
 */
export function perClassMetrics(confusion: readonly (readonly number[])[]): ClassMetrics[] {
  const k = confusion.length;
  return confusion.map((row, c) => {
    const tp = row[c]!;
    const support = row.reduce((s, x) => s + x, 0);
    let predicted = 0;
    for (let r = 0; r < k; r++) predicted += confusion[r]![c]!;
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, support };
  });
}

/** Unweighted mean F1 over all classes. */
export function macroF1(perClass: readonly ClassMetrics[]): number {
  return perClass.length === 0 ? 0 : perClass.reduce((s, m) => s + m.f1, 0) / perClass.length;
}

/** Index of the highest score per row (the first one on a tie). */
export function argmax(scores: readonly ArrayLike<number>[]): Int32Array {
  const out = new Int32Array(scores.length);
  scores.forEach((row, i) => {
    let best = 0;
    for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
    out[i] = best;
  });
  return out;
}

/** Rows of a flat row-major score buffer (e.g. a tensor's dataSync()) with `numClasses` columns. */
export function scoreRows(flat: ArrayLike<number>, numClasses: number): Float64Array[] {
  if (flat.length % numClasses !== 0)
    throw new RangeError(`${flat.length} scores is not a multiple of ${numClasses} classes`);
  const rows: Float64Array[] = [];
  for (let i = 0; i < flat.length; i += numClasses)
    rows.push(Float64Array.from({ length: numClasses }, (_, j) => flat[i + j]!));
  return rows;
}

/** Mean cross-entropy −log p(true class), with p clipped to [1e-7, 1]. */
export function logLoss(yTrue: ClassIndices, scores: readonly ArrayLike<number>[]): number {
  if (yTrue.length !== scores.length) throw new RangeError(`${yTrue.length} labels but ${scores.length} score rows`);
  if (yTrue.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < yTrue.length; i++) s -= Math.log(Math.max(1e-7, scores[i]![yTrue[i]!] ?? 0));
  return s / yTrue.length;
}

/**
 * Probability rows [p(class 0), p(class 1)] from a single sigmoid output p = p(positive class), e.g. a binary
 * head with one unit.
 */
export function binaryScoreRows(positiveProbabilities: ArrayLike<number>, positiveIndex: number): Float64Array[] {
  return Array.from(positiveProbabilities, (p) =>
    positiveIndex === 1 ? Float64Array.of(1 - p, p) : Float64Array.of(p, 1 - p),
  );
}
