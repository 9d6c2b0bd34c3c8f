/**
 * Diversity over the embeddings: k-centre greedy (Sener & Savarese 2018, "core-set" selection). Every text keeps
 * its squared Euclidean distance to the nearest centre (labelled text); the next pick is the text farthest from
 * all centres, which then becomes a centre itself.
 */
import type { FeatureMatrix } from '../head/types.ts';

/** Squared distance between rows a and b. */
export function squaredDistance(features: FeatureMatrix, a: number, b: number): number {
  const { dim, data } = features;
  let s = 0;
  for (let j = 0, p = a * dim, q = b * dim; j < dim; j++) {
    const d = (data[p + j] as number) - (data[q + j] as number);
    s += d * d;
  }
  return s;
}

/** Lowers `minDist` (one entry per row) to each row's distance from `centre`. */
export function addCentre(features: FeatureMatrix, minDist: Float64Array, centre: number): void {
  for (let i = 0; i < minDist.length; i++) {
    const d = squaredDistance(features, i, centre);
    if (d < (minDist[i] as number)) minDist[i] = d;
  }
}

/** Squared distance of every row to its nearest centre (Infinity with no centres). */
export function nearestCentreDistances(features: FeatureMatrix, centres: Iterable<number>, rows: number): Float64Array {
  const minDist = new Float64Array(rows).fill(Infinity);
  for (const c of centres) addCentre(features, minDist, c);
  return minDist;
}

/** The row nearest the mean of `rows` (a typical text: the first pick when nothing is labelled). */
export function medoidOfMean(features: FeatureMatrix, rows: readonly number[]): number | undefined {
  const { dim, data } = features;
  if (rows.length === 0) return undefined;
  const mean = new Float64Array(dim);
  for (const r of rows) for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) + (data[r * dim + j] as number);
  for (let j = 0; j < dim; j++) mean[j] = (mean[j] as number) / rows.length;
  let best = rows[0]!;
  let bestD = Infinity;
  for (const r of rows) {
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const d = (data[r * dim + j] as number) - (mean[j] as number);
      s += d * d;
    }
    if (s < bestD) [best, bestD] = [r, s];
  }
  return best;
}

/**
 * Picks `count` rows among `candidates` by k-centre greedy, starting from the distances `minDist` (not changed;
 * a copy is updated as picks become centres). Ties go to the lower `tieRank`. With no centre at all the first pick
 * is the candidate nearest the candidates' mean.
 */
export function kCenterGreedy(
  features: FeatureMatrix,
  minDist: Float64Array,
  candidates: readonly number[],
  count: number,
  tieRank: Int32Array,
): { row: number; distance: number }[] {
  const dist = Float64Array.from(candidates, (r) => minDist[r] as number);
  const picks: { row: number; distance: number }[] = [];
  const taken = new Uint8Array(candidates.length);
  for (let p = 0; p < Math.min(count, candidates.length); p++) {
    let best = -1;
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      if (
        best < 0 ||
        (dist[i] as number) > (dist[best] as number) ||
        (dist[i] === dist[best] && (tieRank[candidates[i]!] as number) < (tieRank[candidates[best]!] as number))
      )
        best = i;
    }
    if (dist[best] === Infinity) {
      const first = medoidOfMean(
        features,
        candidates.filter((_, i) => !taken[i]),
      )!;
      best = candidates.indexOf(first);
    }
    taken[best] = 1;
    const row = candidates[best]!;
    picks.push({ row, distance: dist[best] as number });
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      const d = squaredDistance(features, candidates[i]!, row);
      if (d < (dist[i] as number)) dist[i] = d;
    }
  }
  return picks;
}
