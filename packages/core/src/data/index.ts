/** Dataset stage: file content → texts + labels → label map → de-duplicated, stratified, seeded splits. No I/O. */
export type * from './types';
export { parseDataset } from './parse-dataset';
export { decodeText } from './decode';
export { TEXT_KEYS, LABEL_KEYS, detectHeader, resolveColumn } from './columns';
export { validateLabels, countLabels } from './validate';
export { buildLabelMap, encodeLabels, naturalCompare, POSITIVE_NAMES, type LabelMapOptions } from './labels';
export { dedupe, normalizeForDedupe } from './dedupe';
export { splitDataset } from './split';
export { prepareData, type PreparedData } from './prepare';
export { datasetToCsv, datasetToJsonl, type DatasetRow } from './write';
export { mulberry32, shuffleInPlace } from '../util/random';
export { parseEmail, emailToText, htmlToPlainText, type ParsedEmail } from './email';
export {
  spamAssassinDataset,
  spamAssassinLabel,
  type SpamAssassinRecord,
  type SpamAssassinDataset,
  type EmailDatasetOptions,
} from './spam-assassin';
// Node-only: import loadSpamAssassin from './data/node-spam-assassin' (reads the npm corpus from disk).
