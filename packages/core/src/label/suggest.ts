/**
 * What to label next. Strategies:
 * - 'uncertainty': the unlabelled texts the current model is least sure about (margin or entropy);
 * - 'diversity': k-centre greedy over the embeddings — the texts farthest from everything labelled;
 * - 'mixed' (default): the `candidates` most uncertain texts, then k-centre greedy among them, so one batch does
 *   not spend its labels on near-duplicates of one confusing text; and a share `explore` of the picks at random,
 *   so the labelled set keeps seeing the pool as it is (its class balance; regions the model is sure about);
 * - 'random': uniformly at random (the baseline of the simulation).
 * Cold start: 'uncertainty' and 'mixed' pick at random (reason 'cold-start') until a model exists and `seedSize`
 * texts are labelled — a random seed set, as active learning usually starts: the first model has then seen the
 * classes at their rate in the pool (k-centre from nothing picks outliers, and uncertainty of a model trained on a
 * handful of them is not informative; the simulation shows both lose to random order at small budgets).
 * 'diversity' is pure k-centre, from the text nearest the mean of the pool.
 * Deterministic per seed: ties, and the random strategy, follow one seeded permutation of the pool. Excluded texts
 * (labelled or skipped) are never suggested.
 */
import { UsageError } from '../errors.ts';
import type { FeatureMatrix } from '../head/types.ts';
import { createRng, deriveSeed } from '../util/random.ts';
import { kCenterGreedy } from './k-center.ts';
import { uncertaintyScores, type UncertaintyMeasure } from './uncertainty.ts';

export const SAMPLING_STRATEGIES = ['mixed', 'uncertainty', 'diversity', 'random'] as const;
export type SamplingStrategy = (typeof SAMPLING_STRATEGIES)[number];

export interface SuggestInput {
  /** The pool's features (standardised: distances weigh every feature alike). */
  readonly features: FeatureMatrix;
  /** 1 for rows that must not be suggested (labelled, skipped). */
  readonly excluded: Uint8Array;
  /** Squared distance of each row to its nearest labelled row (Infinity when nothing is labelled). */
  readonly minDistances: Float64Array;
  /** The current model's probabilities over the pool, row-major [rows, classes]; undefined before a model. */
  readonly probs?: Float32Array | undefined;
  readonly classes: number;
  /** Texts labelled so far. */
  readonly labelled: number;
}

export interface SuggestOptions {
  readonly strategy?: SamplingStrategy;
  readonly count?: number;
  readonly seed?: number;
  readonly measure?: UncertaintyMeasure;
  /** 'mixed': how many of the most uncertain texts k-centre chooses from. Default max(16, 4 × count). */
  readonly candidates?: number;
  /** 'mixed': the share of picks made at random (seeded, per pick). Default 0.2. */
  readonly explore?: number;
  /** 'uncertainty', 'mixed': labels picked at random before the active picks start. Default 4 × classes. */
  readonly seedSize?: number;
}

/** One suggested text and why ("why this one"). */
export interface Suggestion {
  /** Row in the pool. */
  readonly index: number;
  readonly reason: 'uncertain' | 'diverse' | 'cold-start' | 'explore' | 'random';
  /** The current model's class probabilities for it (undefined before a model). */
  readonly scores: readonly number[] | undefined;
  /** Its uncertainty in [0, 1] (undefined before a model). */
  readonly uncertainty: number | undefined;
  /** Euclidean distance (standardised features) to the nearest labelled text at the time of the pick. */
  readonly distance: number | undefined;
}

export function suggest(input: SuggestInput, options: SuggestOptions = {}): Suggestion[] {
  const strategy = options.strategy ?? 'mixed';
  const count = options.count ?? 1;
  const measure = options.measure ?? 'margin';
  if (!SAMPLING_STRATEGIES.includes(strategy)) {
    throw new UsageError(`Unknown sampling strategy "${String(strategy)}"`, `use ${SAMPLING_STRATEGIES.join(', ')}`);
  }
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`count must be a positive integer, got ${count}`);
  const { features, excluded, minDistances, probs, classes } = input;
  const rows = excluded.length;
  // one seeded permutation: tie order and the random strategy
  const order = createRng(deriveSeed(options.seed ?? 42, 'suggest')).shuffle(Array.from({ length: rows }, (_, i) => i));
  const rank = new Int32Array(rows);
  order.forEach((r, i) => (rank[r] = i));
  const open = order.filter((r) => !excluded[r]);
  const unc = probs ? uncertaintyScores(probs, classes, measure) : undefined;
  const hint = (index: number, reason: Suggestion['reason'], distance: number): Suggestion => ({
    index,
    reason,
    scores: probs ? Array.from(probs.subarray(index * classes, (index + 1) * classes)) : undefined,
    uncertainty: unc?.[index],
    distance: Number.isFinite(distance) ? Math.sqrt(distance) : undefined,
  });
  if (strategy === 'random') return open.slice(0, count).map((r) => hint(r, 'random', minDistances[r] as number));
  if (strategy === 'diversity') {
    return kCenterGreedy(features, minDistances, open, count, rank).map((p) => hint(p.row, 'diverse', p.distance));
  }
  if (!unc || input.labelled < (options.seedSize ?? 4 * classes)) {
    return open.slice(0, count).map((r) => hint(r, 'cold-start', minDistances[r] as number));
  }
  // most uncertain first, ties by the seeded permutation (`open` is in permutation order, and sort is stable)
  const byUncertainty = [...open].sort((a, b) => (unc[b] as number) - (unc[a] as number));
  if (strategy === 'uncertainty') {
    return byUncertainty.slice(0, count).map((r) => hint(r, 'uncertain', minDistances[r] as number));
  }
  const explore = options.explore ?? 0.2;
  const coin = createRng(deriveSeed(options.seed ?? 42, 'explore'));
  let randomPicks = 0;
  for (let i = 0; i < count; i++) if (coin.next() < explore) randomPicks++;
  const m = options.candidates ?? Math.max(16, 4 * count);
  const pool = byUncertainty.slice(0, Math.max(m, count - randomPicks));
  const active = kCenterGreedy(features, minDistances, pool, count - randomPicks, rank);
  const taken = new Set(active.map((p) => p.row));
  const explored = open.filter((r) => !taken.has(r)).slice(0, randomPicks);
  return [
    ...active.map((p) => hint(p.row, 'uncertain', p.distance)),
    ...explored.map((r) => hint(r, 'explore', minDistances[r] as number)),
  ];
}
