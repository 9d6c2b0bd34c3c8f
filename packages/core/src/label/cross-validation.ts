/**
 * The labelling loop's accuracy estimate: stratified, seeded k-fold cross-validation on the labelled set. The
 * learner is a parameter (train on some positions, predict others), so the estimate is testable by hand.
 */
import { createRng, deriveSeed } from '../util/random.ts';

/**
 * Fold (0…k−1) of each item: per class (ascending class index) the items are shuffled with the seed, then dealt
 * round-robin with one counter running across classes — so every fold gets ⌊n_c/k⌋ or ⌈n_c/k⌉ items of each class
 * c and fold sizes differ by at most one.
 */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`folds must be an integer ≥ 2, got ${k}`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    let list = byClass.get(c);
    if (!list) byClass.set(c, (list = []));
    list.push(i);
  }
  const rng = createRng(deriveSeed(seed, 'folds'));
  const fold = new Int32Array(labels.length);
  let next = 0;
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const i of rng.shuffle(byClass.get(c)!)) fold[i] = next++ % k;
  }
  return fold;
}

export interface CrossValidation {
  /** Pooled accuracy: held-out predictions right / labelled items (every item is held out once). */
  readonly accuracy: number;
  readonly correct: number;
  readonly total: number;
  /** Folds used: min(requested, items). */
  readonly folds: number;
  readonly foldAccuracies: readonly number[];
}

/** Trains on the positions `train` and returns the predicted class of each position in `test`. */
export type TrainAndPredict = (train: Int32Array, test: Int32Array) => ArrayLike<number>;

/**
 * k-fold estimate of accuracy over `labels` (class indices of the labelled items). Undefined when there is
 * nothing to estimate: fewer than 2 classes with ≥ 2 items each.
 */
export function crossValidate(
  labels: ArrayLike<number>,
  options: { readonly folds: number; readonly seed: number },
  trainAndPredict: TrainAndPredict,
): CrossValidation | undefined {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i] as number, (counts.get(labels[i] as number) ?? 0) + 1);
  if ([...counts.values()].filter((n) => n >= 2).length < 2) return undefined;
  const k = Math.min(options.folds, labels.length);
  const fold = stratifiedFolds(labels, k, options.seed);
  let correct = 0;
  const foldAccuracies: number[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < labels.length; i++) (fold[i] === f ? test : train).push(i);
    const predicted = trainAndPredict(Int32Array.from(train), Int32Array.from(test));
    let right = 0;
    test.forEach((p, j) => {
      if (predicted[j] === labels[p]) right++;
    });
    correct += right;
    foldAccuracies.push(test.length > 0 ? right / test.length : NaN);
  }
  return { accuracy: correct / labels.length, correct, total: labels.length, folds: k, foldAccuracies };
}
