export {
  embedTexts,
  encodeTexts,
  DEFAULT_EMBED_BATCH_SIZE,
  DEFAULT_MAX_TOKENS_PER_BATCH,
  type EmbedOptions,
  type EncodeTextsOptions,
  type Embeddings,
} from './embed';
export { padBatch, planBatches, yieldToEventLoop, type BatchPlanOptions } from './embed-batches';
