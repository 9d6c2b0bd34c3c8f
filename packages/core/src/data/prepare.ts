import { buildLabelMap, encodeLabels, type LabelMapOptions } from './labels.ts';
import { splitDataset } from './split.ts';
import type { Dataset, DatasetSplit, LabelMap, SplitOptions } from './types.ts';

export interface PreparedData {
  /** Label map of the de-duplicated data (class counts after de-duplication). */
  readonly labelMap: LabelMap;
  /** Class index of every dataset row (duplicates' labels resolved by majority), aligned with dataset.texts. */
  readonly y: Int32Array;
  readonly split: DatasetSplit;
}

/**
 * The one path from a parsed dataset to training inputs, shared by the CLI and the web app so both train on the
 * same split: de-duplicate, stratified seeded split, label map, class indices.
 */
export function prepareData(
  dataset: Pick<Dataset, 'texts' | 'labels'>,
  options: SplitOptions & LabelMapOptions = {},
): PreparedData {
  const split = splitDataset(dataset.texts, dataset.labels, options);
  const kept = [...split.train, ...split.validation, ...split.test].map((i) => split.labels[i]!);
  const labelMap = buildLabelMap(kept, options);
  return { labelMap, y: encodeLabels(split.labels, labelMap), split };
}
