/**
 * The one place where the worker reaches into the library: everything it uses from @browser-bert/core is
 * re-exported here, so a renamed export is fixed in one line.
 */
export {
  useBackend,
  BrowserBertError,
  CancelledError,
  isCancelled,
  DataError,
  StorageError,
  EncoderMismatchError,
  TrainingError,
  load,
  createBrowserCache,
  hasCacheApi,
  listCachedModels,
  removeCachedModel,
  parseDataset,
  dedupe,
  countLabels,
  splitDataset,
  createIdbFeatureCache,
  trainClassifier,
  resolveTrainOptions,
  loadClassifier,
  listSavedClassifiers,
  deleteSavedClassifier,
  bundleToZip,
  binaryCurves,
  IDB_SCHEME,
} from '@browser-bert/core';
export type {
  LoadedModel,
  Dataset,
  ModelCache,
  Classifier,
  TrainProgress,
  TrainingReport,
  TrainResult,
  FeatureCache,
  SavedClassifierInfo,
} from '@browser-bert/core';
