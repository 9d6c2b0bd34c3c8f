export { parseBertConfig } from './parse.ts';
export type { BertConfig, HiddenAct } from './types.ts';
export { configJson } from './serialise.ts';
