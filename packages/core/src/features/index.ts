export {
  embedTexts,
  encodeTexts,
  DEFAULT_EMBED_BATCH_SIZE,
  DEFAULT_MAX_TOKENS_PER_BATCH,
  type EmbedOptions,
  type EncodeTextsOptions,
  type Embeddings,
} from './embed.ts';
export { padBatch, planBatches, type BatchPlanOptions } from './batches.ts';
export { featureCacheKey, type FeatureKeyParts } from './cache-key.ts';
export { cachedFeatures, type CachedFeatures, type CachedFeaturesOptions } from './cached.ts';
export { tokenizeTexts } from './tokenize.ts';
