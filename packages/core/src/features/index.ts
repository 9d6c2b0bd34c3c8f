export {
  embedTexts,
  encodeTexts,
  DEFAULT_EMBED_BATCH_SIZE,
  DEFAULT_MAX_TOKENS_PER_BATCH,
  type EmbedOptions,
  type EncodeTextsOptions,
  type Embeddings,
} from './embed';
export { padBatch, planBatches, type BatchPlanOptions } from './batches';
export { featureCacheKey, type FeatureKeyParts } from './cache-key';
export { cachedFeatures, type CachedFeatures, type CachedFeaturesOptions } from './cached';
export { tokenizeTexts } from './tokenize';
