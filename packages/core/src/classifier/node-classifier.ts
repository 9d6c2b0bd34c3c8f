/**
 * Node side of loadClassifier: folder paths as bundle targets (save/load) and the folder-aware model loader
 * (local paths, the cache folder, HF_ENDPOINT) for encoders that are not in the bundle. Imported by node.ts.
 */
import { loadNode } from '../hub/node-load';
import '../storage/node-folder';
import { setDefaultModelLoader } from './load';

setDefaultModelLoader((source, options) => loadNode(source, options));

export { readBundleFolder, writeBundleFolder, folderStore } from '../storage/node-folder';
