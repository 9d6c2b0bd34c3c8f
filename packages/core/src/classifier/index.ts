export type * from './types.ts';
export { createClassifier } from './classifier.ts';
export { classifierFromBundle, includedEncoderModel, type FromBundleOptions } from './from-bundle.ts';
export { bundleOf } from './to-bundle.ts';
export { headToFiles, headFromFiles } from './head-files.ts';
export { decide } from './decide.ts';
export { classifierSpec, type ManifestInputs } from './manifest.ts';
