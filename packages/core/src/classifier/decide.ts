/** The decision rule shared by training reports and classify(): binary threshold on p(positive), else arg-max. */
export function decide(
  probs: ArrayLike<number>,
  row: number,
  numClasses: number,
  positiveIndex: number | undefined,
  threshold: number | undefined,
): number {
  const base = row * numClasses;
  if (numClasses === 2 && positiveIndex !== undefined && threshold !== undefined) {
    return (probs[base + positiveIndex] as number) >= threshold ? positiveIndex : 1 - positiveIndex;
  }
  let best = 0;
  for (let c = 1; c < numClasses; c++) if ((probs[base + c] as number) > (probs[base + best] as number)) best = c;
  return best;
}
