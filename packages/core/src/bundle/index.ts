/** The classifier bundle format: manifest + files, its validation and its zip form. Pure: no I/O, no TF.js. */
export type * from './types.ts';
export { BUNDLE_FORMAT, BUNDLE_SCHEMA_VERSION, FILES as BUNDLE_FILES } from './types.ts';
export { checkBundle } from './validate.ts';
export { bundleToZip, bundleFromZip } from './zip.ts';
export { relabelBundle, relabelReport } from './relabel.ts';
