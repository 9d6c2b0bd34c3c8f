/**
 * The one place where the worker reaches into the library. Everything the worker uses from @browser-bert/core is
 * re-exported here, so a renamed export is fixed in one line.
 */
export { useBackend, BrowserBertError, CancelledError, isCancelled, DataError, StorageError } from '@browser-bert/core';
export type { LoadedModel, Dataset, ModelCache } from '@browser-bert/core';
export { load } from '../../../../packages/core/src/hub/load';
export { createBrowserCache, hasCacheApi } from '../../../../packages/core/src/hub/cache-api';
export { listCachedModels, removeCachedModel } from '../../../../packages/core/src/hub/cache';
export { parseDataset, dedupe, countLabels } from '../../../../packages/core/src/data/index';
export { createIdbFeatureCache } from '../../../../packages/core/src/features/idb-cache';
