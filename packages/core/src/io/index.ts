/** The byte layer: sources of model files, caches, stores of classifier bundles. Knows no models. */
export type * from './types.ts';
export { DEFAULT_ENDPOINT, DEFAULT_REVISION, parseHubId, hubFileUrl, type HubRef } from './hub-id.ts';
export { createHubSource, createUrlSource, isHubSource, MANIFEST_FILE, type HubSource } from './remote-source.ts';
export { createFilesSource, createDirectorySource, PICKED_FILES_SOURCE } from './picked-files.ts';
export { createMemorySource } from './memory-source.ts';
export { createMemoryCache, listCachedModels, removeCachedModel } from './model-cache.ts';
export { createBrowserCache, hasCacheApi, BROWSER_CACHE_NAME } from './model-cache-browser.ts';
export {
  createMemoryFeatureCache,
  type FeatureCache,
  type FeatureCacheStats,
  type FeatureEntry,
} from './feature-cache.ts';
export { createIdbFeatureCache } from './feature-cache-idb.ts';
export { readBundle, writeBundle, registerBundleStore } from './bundle-store.ts';
export {
  listSavedClassifiers,
  deleteSavedClassifier,
  IDB_SCHEME,
  type SavedClassifierInfo,
} from './bundle-store-idb.ts';
export { readBundleFrom, type ClassifierSource } from './bundle-source.ts';
export { resolveSource, isModelUrl, hubSourceFor } from './resolve.ts';
