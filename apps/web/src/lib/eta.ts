/**
 * An ETA learned from the work done so far, with its uncertainty: the rate (units per ms) is measured between
 * successive progress reports; the estimate uses the median recent rate, the spread the 20th–80th percentile rates.
 * No estimate before MIN_SAMPLES reports (the first batches include warm-up: shapes compiled, weights packed).
 */
export interface Eta {
  readonly etaMs: number;
  /** Half the width of the range of plausible remaining times. */
  readonly spreadMs: number;
}

const MIN_SAMPLES = 3;
const WINDOW = 20;

function quantile(sorted: readonly number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (i - lo);
}

export function createEtaEstimator() {
  let last: { done: number; t: number } | undefined;
  const rates: number[] = [];
  return {
    /** Records that `done` units are finished at time `t` (ms); returns the estimate for `total`, if known yet. */
    update(done: number, total: number, t: number): Eta | undefined {
      if (last && done > last.done && t > last.t) {
        rates.push((done - last.done) / (t - last.t));
        if (rates.length > WINDOW) rates.shift();
      }
      if (!last || done !== last.done) last = { done, t };
      if (rates.length < MIN_SAMPLES) return undefined;
      const left = Math.max(0, total - done);
      const sorted = [...rates].sort((a, b) => a - b);
      const slow = quantile(sorted, 0.2);
      const fast = quantile(sorted, 0.8);
      const mid = quantile(sorted, 0.5);
      return { etaMs: left / mid, spreadMs: (left / slow - left / fast) / 2 };
    },
  };
}

/** "about 40 s (±10 s)"; the spread is at least 10 % of the estimate (one report's timing is not exact). */
export function formatEta(etaMs: number, spreadMs: number | undefined, format: (ms: number) => string): string {
  if (spreadMs === undefined) return `about ${format(etaMs)}`;
  return `about ${format(etaMs)} (±${format(Math.max(spreadMs, 0.1 * etaMs))})`;
}
