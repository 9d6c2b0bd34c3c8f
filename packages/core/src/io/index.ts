/** The byte layer: sources of model files, caches, stores of classifier bundles. Knows no models. */
export type * from './types';
export { DEFAULT_ENDPOINT, DEFAULT_REVISION, parseHubId, hubFileUrl, type HubRef } from './hub-id';
export { createHubSource, createUrlSource, isHubSource, MANIFEST_FILE, type HubSource } from './remote-source';
export { createFilesSource, createDirectorySource } from './picked-files';
export { createMemorySource } from './memory-source';
export { createMemoryCache, listCachedModels, removeCachedModel } from './model-cache';
export { createBrowserCache, hasCacheApi, BROWSER_CACHE_NAME } from './model-cache-browser';
export {
  createMemoryFeatureCache,
  type FeatureCache,
  type FeatureCacheStats,
  type FeatureEntry,
} from './feature-cache';
export { createIdbFeatureCache } from './feature-cache-idb';
export { readBundle, writeBundle, registerBundleStore } from './bundle-store';
export { listSavedClassifiers, deleteSavedClassifier, IDB_SCHEME, type SavedClassifierInfo } from './bundle-store-idb';
export { readBundleFrom, type ClassifierSource } from './bundle-source';
