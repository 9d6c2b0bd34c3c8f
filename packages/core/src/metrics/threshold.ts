/** Decision thresholds for a binary problem's positive-class score. Choose them on validation, never on test. */

export interface ThresholdChoice {
  threshold: number;
  /** F1 of the positive class on the data the threshold was chosen on. */
  f1: number;
}

/** 1 where score ≥ threshold (predict the positive class), else 0. */
export function predictAtThreshold(scores: ArrayLike<number>, threshold: number): Uint8Array {
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = scores[i]! >= threshold ? 1 : 0;
  return out;
}

/**
 * The threshold that maximises the positive class's F1 on (validation) data. Candidates are the distinct scores
 * (predict positive when score ≥ candidate); the returned threshold is the midpoint between the best candidate
 * and the next lower distinct score (same predictions on this data, more margin on new data). Ties in F1 go to
 * the candidate closest to 0.5. Without any positive example, 0.5 is returned (nothing to tune on).
 */
export function selectThreshold(positive: ArrayLike<boolean>, scores: ArrayLike<number>): ThresholdChoice {
  if (positive.length !== scores.length) throw new RangeError(`${positive.length} labels but ${scores.length} scores`);
  let p = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) p++;
  if (p === 0) return { threshold: 0.5, f1: 0 };
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let tp = 0;
  let fp = 0;
  let best = { f1: -1, at: 0, next: -Infinity };
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (positive[i]) tp++;
    else fp++;
    const nextIdx = order[k + 1];
    const next = nextIdx === undefined ? -Infinity : scores[nextIdx]!;
    if (next === scores[i]) continue;
    const f1 = (2 * tp) / (2 * tp + fp + (p - tp));
    const s = scores[i]!;
    if (f1 > best.f1 + 1e-12 || (Math.abs(f1 - best.f1) <= 1e-12 && Math.abs(s - 0.5) < Math.abs(best.at - 0.5))) {
      best = { f1, at: s, next };
    }
  }
  const threshold = best.next === -Infinity ? best.at : (best.at + best.next) / 2;
  return { threshold, f1: best.f1 };
}
