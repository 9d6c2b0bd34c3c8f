export type * from './types';
export { BUNDLE_FORMAT, BUNDLE_SCHEMA_VERSION, FILES as BUNDLE_FILES } from './types';
export { bundleToZip, bundleFromZip } from './zip';
export { readBundle, writeBundle, registerBundleStore } from './router';
export { listSavedClassifiers, deleteSavedClassifier, IDB_SCHEME, type SavedClassifierInfo } from './idb';
export { encoderTensors, cloneEncoder, configJson, tokenizerFiles, RANDOM_INIT_MARKER } from './encoder-files';
export { headToFiles, headFromFiles } from './head-files';
