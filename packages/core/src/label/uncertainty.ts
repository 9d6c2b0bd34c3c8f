/** Uncertainty of a class-probability row, scaled to [0, 1] (1 = the model cannot tell the classes apart). */

export type UncertaintyMeasure = 'margin' | 'entropy';

/** 1 − (p₁ − p₂), p₁ ≥ p₂ the two highest probabilities. */
export function marginUncertainty(probs: ArrayLike<number>, offset: number, classes: number): number {
  let a = -Infinity;
  let b = -Infinity;
  for (let k = 0; k < classes; k++) {
    const p = probs[offset + k] as number;
    if (p > a) [a, b] = [p, a];
    else if (p > b) b = p;
  }
  return 1 - (a - b);
}

/** −Σ p log p / log C. */
export function entropyUncertainty(probs: ArrayLike<number>, offset: number, classes: number): number {
  let h = 0;
  for (let k = 0; k < classes; k++) {
    const p = probs[offset + k] as number;
    if (p > 0) h -= p * Math.log(p);
  }
  return h / Math.log(classes);
}

/** One uncertainty per row of row-major probabilities [n, classes]. */
export function uncertaintyScores(
  probs: ArrayLike<number>,
  classes: number,
  measure: UncertaintyMeasure,
): Float64Array {
  const f = measure === 'margin' ? marginUncertainty : entropyUncertainty;
  const out = new Float64Array(probs.length / classes);
  for (let i = 0; i < out.length; i++) out[i] = f(probs, i * classes, classes);
  return out;
}
