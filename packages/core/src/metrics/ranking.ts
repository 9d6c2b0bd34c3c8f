/**
 * Threshold-free metrics of a binary score: ROC and precision–recall curves, ROC-AUC and average precision.
 * `positive[i]` is true for examples of the positive class, `scores[i]` that class's score (higher = more positive).
 * Tied scores are one threshold step (they cannot be separated by any threshold).
 */

export interface RocPoint {
  fpr: number;
  tpr: number;
  /** Predict positive when score ≥ threshold (+Infinity for the (0, 0) start). */
  threshold: number;
}

export interface PrPoint {
  recall: number;
  precision: number;
  threshold: number;
}

interface Step {
  threshold: number;
  tp: number;
  fp: number;
}

/** Cumulative (tp, fp) at each distinct score, from the highest score down. */
function steps(positive: ArrayLike<boolean>, scores: ArrayLike<number>): { steps: Step[]; p: number; n: number } {
  if (positive.length !== scores.length) throw new RangeError(`${positive.length} labels but ${scores.length} scores`);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const out: Step[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (positive[i]) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) out.push({ threshold: scores[i]!, tp, fp });
  }
  return { steps: out, p: tp, n: fp };
}

/**
 * ROC-AUC by ranks (Mann–Whitney U): the probability that a random positive scores above a random negative,
 * ties counting ½. Equal to the trapezoid area under rocCurve. NaN when either class is absent.
 */
export function rocAuc(positive: ArrayLike<boolean>, scores: ArrayLike<number>): number {
  if (positive.length !== scores.length) throw new RangeError(`${positive.length} labels but ${scores.length} scores`);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  let nPos = 0;
  for (let k = 0; k < order.length;) {
    let end = k;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[k]!]) end++;
    const avgRank = (k + end) / 2 + 1; // 1-based average rank of the tie group
    for (let j = k; j <= end; j++) {
      if (positive[order[j]!]) {
        rankSumPos += avgRank;
        nPos++;
      }
    }
    k = end + 1;
  }
  const nNeg = order.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** ROC curve points from (0, 0) to (1, 1), one per distinct score. Empty classes give a rate of 0. */
export function rocCurve(positive: ArrayLike<boolean>, scores: ArrayLike<number>): RocPoint[] {
  const { steps: s, p, n } = steps(positive, scores);
  const pts: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  for (const st of s) pts.push({ fpr: n === 0 ? 0 : st.fp / n, tpr: p === 0 ? 0 : st.tp / p, threshold: st.threshold });
  return pts;
}

/** Area under a curve by the trapezoid rule (x must be non-decreasing). */
export function trapezoid(xs: readonly number[], ys: readonly number[]): number {
  let a = 0;
  for (let i = 1; i < xs.length; i++) a += ((xs[i]! - xs[i - 1]!) * (ys[i]! + ys[i - 1]!)) / 2;
  return a;
}

/** Precision–recall points, one per distinct score (highest threshold first), starting at (recall 0, precision 1). */
export function prCurve(positive: ArrayLike<boolean>, scores: ArrayLike<number>): PrPoint[] {
  const { steps: s, p } = steps(positive, scores);
  const pts: PrPoint[] = [{ recall: 0, precision: 1, threshold: Infinity }];
  for (const st of s)
    pts.push({ recall: p === 0 ? 0 : st.tp / p, precision: st.tp / (st.tp + st.fp), threshold: st.threshold });
  return pts;
}

/**
 * Average precision: Σ (Rₖ − Rₖ₋₁)·Pₖ over distinct thresholds, highest first — the step-wise area under the PR
 * curve without interpolation (sklearn's average_precision_score). This is what reports call pr_auc.
 * NaN when there is no positive example.
 */
export function averagePrecision(positive: ArrayLike<boolean>, scores: ArrayLike<number>): number {
  const { steps: s, p } = steps(positive, scores);
  if (p === 0) return NaN;
  let ap = 0;
  let prevRecall = 0;
  for (const st of s) {
    const recall = st.tp / p;
    ap += (recall - prevRecall) * (st.tp / (st.tp + st.fp));
    prevRecall = recall;
  }
  return ap;
}
