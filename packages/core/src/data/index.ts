/** Dataset stage: file content → texts + labels → label map → de-duplicated, stratified, seeded splits. No I/O. */
export type * from './types.ts';
export { parseDataset } from './parse-dataset.ts';
export { decodeText } from './decode.ts';
export { TEXT_KEYS, LABEL_KEYS, detectHeader, resolveColumn } from './columns.ts';
export { validateLabels, countLabels } from './validate.ts';
export { buildLabelMap, encodeLabels, naturalCompare, POSITIVE_NAMES, type LabelMapOptions } from './labels.ts';
export { dedupe, normalizeForDedupe } from './dedupe.ts';
export { splitDataset } from './split.ts';
export { prepareData, type PreparedData } from './prepare.ts';
export { datasetToCsv, datasetToJsonl, scoresToCsv, type DatasetRow, type ScoredRow } from './write.ts';
export { mulberry32, shuffleInPlace } from '../util/random.ts';
export { parseEmail, emailToText, htmlToPlainText, type ParsedEmail } from './email.ts';
export {
  spamAssassinDataset,
  spamAssassinLabel,
  type SpamAssassinRecord,
  type SpamAssassinDataset,
  type EmailDatasetOptions,
} from './spam-assassin.ts';
// Node-only: loadSpamAssassin (reads the npm corpus from disk) is exported by '@browser-bert/core/node'.
