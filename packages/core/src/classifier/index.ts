export type * from './types';
export { createClassifier } from './classifier';
export { classifierFromBundle, type FromBundleOptions } from './from-bundle';
export { bundleOf } from './to-bundle';
export { headToFiles, headFromFiles } from './head-files';
export { decide } from './decide';
export { classifierSpec, type ManifestInputs } from './manifest';
