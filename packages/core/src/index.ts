/** browser-bert core library: tokenizer → weights → encoder → pooling → head → train → metrics → storage. */
export * from './errors';
export type * from './tokenizer/types';
export type * from './weights/types';
export type * from './config/types';
export type * from './encoder/types';
export type * from './hub/types';
export {
  useBackend,
  activeBackend,
  type BackendChoice,
  type BackendName,
  type BackendOptions,
} from './runtime/backend';
export * from './weights';
export * from './tokenizer/index';
export * from './data';
export * from './metrics';
export * from './config/index';
export * from './encoder/index';
export * from './pooling/index';
export * from './features/index';
export * from './kernel/index';
export {
  load,
  load as loadModel,
  loadTokenizer,
  loadFromFiles,
  loadTokenizerFromFiles,
  resolveSource,
} from './hub/load';
export { createBrowserCache, hasCacheApi, BROWSER_CACHE_NAME } from './hub/cache-api';
export { createMemoryCache, listCachedModels, removeCachedModel } from './hub/cache';
export { createFilesSource, createDirectorySource } from './hub/local-files';
export { createHubSource, MANIFEST_FILE } from './hub/hub-source';
export { DEFAULT_ENDPOINT, DEFAULT_REVISION, parseHubId, hubFileUrl } from './hub/source';
export * from './head/index';
export * from './train/index';
export * from './storage/index';
export * from './classifier/index';
export {
  createMemoryFeatureCache,
  featureCacheKey,
  type FeatureCache,
  type FeatureCacheStats,
  type FeatureEntry,
  type FeatureKeyParts,
} from './features/cache';
export { createIdbFeatureCache } from './features/idb-cache';
export * from './export/index';
