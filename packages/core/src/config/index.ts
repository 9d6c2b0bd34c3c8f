export { parseBertConfig } from './parse';
export type { BertConfig, HiddenAct } from './types';
export { configJson } from './serialise';
