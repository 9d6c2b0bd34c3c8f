/**
 * Sentence pairs for SetFit-style contrastive tuning, drawn from a few labelled examples: alternately positive (two
 * different texts of one class, target 1) and negative (texts of two classes, target 0), so ⌈count/2⌉ positive and
 * ⌊count/2⌋ negative. Balanced
 * over classes too: the anchors of both kinds go round the classes in turn (a class with one example cannot anchor
 * a positive pair), so a rare class is seen as often as a common one. Seeded.
 */
import { TrainingError } from '../errors.ts';
import { createRng, deriveSeed } from '../util/random.ts';

export interface ContrastivePairs {
  /** Positions (into the labels given) of each pair's two texts. */
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** 1 for a positive pair, 0 for a negative one. */
  readonly target: Float32Array;
}

export function samplePairs(labels: ArrayLike<number>, count: number, seed: number): ContrastivePairs {
  if (!Number.isInteger(count) || count < 2) throw new TrainingError(`pairs must be an integer ≥ 2, got ${count}`);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    let list = byClass.get(c);
    if (!list) byClass.set(c, (list = []));
    list.push(i);
  }
  const classes = [...byClass.keys()].sort((x, y) => x - y);
  const positiveClasses = classes.filter((c) => byClass.get(c)!.length >= 2);
  if (classes.length < 2 || positiveClasses.length === 0) {
    throw new TrainingError(
      'Few-shot training needs examples of at least 2 classes, and 2 of at least one class',
      'label more examples',
    );
  }
  const rng = createRng(deriveSeed(seed, 'pairs'));
  const pick = (xs: readonly number[]) => xs[Math.floor(rng.next() * xs.length)]!;
  const a = new Int32Array(count);
  const b = new Int32Array(count);
  const target = new Float32Array(count);
  // each kind starts its round of classes at a seeded offset, so small counts do not always favour class 0
  let pos = Math.floor(rng.next() * positiveClasses.length);
  let neg = Math.floor(rng.next() * classes.length);
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      const members = byClass.get(positiveClasses[pos++ % positiveClasses.length]!)!;
      const x = Math.floor(rng.next() * members.length);
      const y = (x + 1 + Math.floor(rng.next() * (members.length - 1))) % members.length; // another member
      a[i] = members[x]!;
      b[i] = members[y]!;
      target[i] = 1;
    } else {
      const c = classes[neg++ % classes.length]!;
      const others = classes.filter((k) => k !== c);
      a[i] = pick(byClass.get(c)!);
      b[i] = pick(byClass.get(pick(others))!);
      target[i] = 0;
    }
  }
  return { a, b, target };
}
