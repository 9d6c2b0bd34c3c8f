import { DataError } from '../errors.ts';
import { dedupe as dedupeRows } from './dedupe.ts';
import { naturalCompare } from './labels.ts';
import { mulberry32, shuffleInPlace } from '../util/random.ts';
import type { DatasetSplit, SplitCounts, SplitOptions } from './types.ts';

const DEFAULT_RATIOS: readonly [number, number, number] = [0.8, 0.1, 0.1];

/** Validation / test sizes for a class of n examples (train gets the rest, always ≥ 1). */
function allocate(n: number, ratios: readonly [number, number, number]): { val: number; test: number } {
  const [, rv, rt] = ratios;
  let val = Math.round(n * rv);
  let test = Math.round(n * rt);
  if (n >= 3) {
    if (rv > 0) val = Math.max(1, val);
    if (rt > 0) test = Math.max(1, test);
  } else if (n === 2) {
    // One for train, one held out: test first (it is what the report shows), else validation.
    test = rt > 0 ? 1 : 0;
    val = test === 0 && rv > 0 ? 1 : 0;
  } else {
    val = 0;
    test = 0;
  }
  while (val + test > n - 1) {
    if (val >= test && val > 0) val--;
    else test--;
  }
  return { val, test };
}

/**
 * Stratified, seeded train/validation/test split (default 80/10/10, seed 42), after de-duplication on the
 * normalised text (see `dedupe`: duplicates never straddle splits; conflicting labels resolved by majority).
 *
 * Per class (in natural label order) the kept rows are shuffled with mulberry32(seed) + Fisher–Yates and cut
 * into validation/test sizes round(n·ratio); every class with ≥ 2 examples has ≥ 1 training example and, when it
 * has ≥ 3, ≥ 1 validation and ≥ 1 test example (n = 2: one train, one test). Same inputs + seed → same split.
 * Index arrays point into `texts`/`labels` and are sorted ascending (shuffle for training yourself).
 *
 * The test split is for the final report only: never use it for a choice (epochs, early stopping, decision
 * threshold, hyper-parameters) — use validation.
 */
export function splitDataset(
  texts: readonly string[],
  labels: readonly string[],
  options: SplitOptions = {},
): DatasetSplit {
  const ratios = options.ratios ?? DEFAULT_RATIOS;
  const seed = (options.seed ?? 42) >>> 0;
  if (texts.length !== labels.length)
    throw new RangeError(`splitDataset: ${texts.length} texts but ${labels.length} labels`);
  if (
    ratios.length !== 3 ||
    ratios.some((r) => !(r >= 0)) ||
    Math.abs(ratios[0] + ratios[1] + ratios[2] - 1) > 1e-6 ||
    ratios[0] <= 0
  ) {
    throw new DataError(
      `Split ratios [${ratios.join(', ')}] are invalid`,
      'give three fractions ≥ 0 (train > 0) that sum to 1, e.g. [0.8, 0.1, 0.1]',
    );
  }
  let keep: number[];
  const resolved = labels.slice();
  let duplicatesRemoved = 0;
  let conflictingDuplicates = 0;
  if (options.dedupe === false) {
    keep = texts.map((_, i) => i);
  } else {
    const d = dedupeRows(texts, labels);
    keep = d.keep;
    d.keep.forEach((i, k) => (resolved[i] = d.labels[k]!));
    duplicatesRemoved = d.duplicatesRemoved;
    conflictingDuplicates = d.conflictingGroups;
  }
  const byClass = new Map<string, number[]>();
  for (const i of keep) {
    const l = resolved[i]!;
    let arr = byClass.get(l);
    if (!arr) byClass.set(l, (arr = []));
    arr.push(i);
  }
  const classes = [...byClass.keys()].sort(naturalCompare);
  const after = duplicatesRemoved > 0 ? ` after removing ${duplicatesRemoved} duplicate text(s)` : '';
  if (classes.length < 2) {
    throw new DataError(
      `Only one class (${classes.map((c) => `"${c}"`).join('')}) remains${after}`,
      'a classifier needs examples of at least 2 classes',
    );
  }
  const rare = classes.filter((c) => byClass.get(c)!.length < 2);
  if (rare.length > 0) {
    throw new DataError(
      `Class${rare.length > 1 ? 'es' : ''} ${rare.map((c) => `"${c}"`).join(', ')} ${rare.length > 1 ? 'have' : 'has'} fewer than 2 distinct examples${after}`,
      'each class needs at least 2 different texts: add examples, merge or remove that class',
    );
  }
  const rand = mulberry32(seed);
  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  const perClass: Record<string, SplitCounts> = {};
  for (const c of classes) {
    const idx = shuffleInPlace(byClass.get(c)!.slice(), rand);
    const { val, test: nt } = allocate(idx.length, ratios);
    validation.push(...idx.slice(0, val));
    test.push(...idx.slice(val, val + nt));
    train.push(...idx.slice(val + nt));
    perClass[c] = { train: idx.length - val - nt, validation: val, test: nt };
  }
  const asc = (a: number, b: number): number => a - b;
  train.sort(asc);
  validation.sort(asc);
  test.sort(asc);
  return {
    train,
    validation,
    test,
    counts: { train: train.length, validation: validation.length, test: test.length },
    perClass,
    labels: resolved,
    duplicatesRemoved,
    conflictingDuplicates,
    seed,
    ratios,
  };
}
