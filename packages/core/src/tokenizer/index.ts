export { createTokenizer, DEFAULT_MAX_LENGTH, NO_MODEL_LIMIT, type CreateTokenizerOptions } from './tokenizer';
export { fnv1a64 } from './fingerprint';
export type * from './types';
export { tokenizerFiles } from './files';
