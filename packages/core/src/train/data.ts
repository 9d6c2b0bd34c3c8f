/**
 * The training view of a dataset, through the one data path (data/prepare.ts: de-duplicate, stratified seeded
 * split, label map): the kept texts in row order, their class indices, and each split as positions in that list.
 */
import { prepareData } from '../data/prepare.ts';
import type { Dataset, DatasetSplit, LabelMap } from '../data/types.ts';
import type { ResolvedTrainOptions } from './types.ts';

export interface TrainingData {
  readonly labelMap: LabelMap;
  readonly split: DatasetSplit;
  /** Dataset rows kept after de-duplication, ascending: position p ↔ row keep[p]. */
  readonly keep: readonly number[];
  /** The kept texts, by position (the feature cache key is over this list). */
  readonly texts: readonly string[];
  /** Class index of every position. */
  readonly y: Int32Array;
  /** Positions of each split. */
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
  /** Class indices of the given positions. */
  labelsOf(positions: Int32Array): Int32Array;
}

export function trainingData(
  dataset: Pick<Dataset, 'texts' | 'labels'>,
  o: Pick<ResolvedTrainOptions, 'ratios' | 'seed' | 'positiveLabel'>,
): TrainingData {
  const {
    labelMap,
    y: rowY,
    split,
  } = prepareData(dataset, {
    ratios: o.ratios,
    seed: o.seed,
    ...(o.positiveLabel === undefined ? {} : { positiveLabel: o.positiveLabel }),
  });
  const keep = [...split.train, ...split.validation, ...split.test].sort((a, b) => a - b);
  const pos = new Map(keep.map((row, p) => [row, p] as const));
  const positions = (rows: readonly number[]) => Int32Array.from(rows, (r) => pos.get(r) as number);
  const y = Int32Array.from(keep, (r) => rowY[r] as number);
  return {
    labelMap,
    split,
    keep,
    texts: keep.map((r) => dataset.texts[r] as string),
    y,
    train: positions(split.train),
    validation: positions(split.validation),
    test: positions(split.test),
    labelsOf: (ps) => Int32Array.from(ps, (p) => y[p] as number),
  };
}
