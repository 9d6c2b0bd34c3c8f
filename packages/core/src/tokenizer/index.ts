export { createTokenizer, DEFAULT_MAX_LENGTH, NO_MODEL_LIMIT, type CreateTokenizerOptions } from './tokenizer.ts';
export { fnv1a64 } from './fingerprint.ts';
export type * from './types.ts';
export { tokenizerFiles } from './files.ts';
