/**
 * Node-only entry point: the TF.js backend with its wasm files from node_modules, local model folders, the on-disk
 * caches, bundle folders and worker_threads for the kernel. Importing it installs those defaults (one explicit call,
 * below; the package lists this file under sideEffects). Browser code imports '@browser-bert/core' only.
 */
import { installNodeDefaults } from './load/node-defaults.ts';

installNodeDefaults();

export { installNodeDefaults };
export { wasmDir, initNodeBackend } from './runtime/node-backend.ts';
export {
  loadNode,
  loadTokenizerNode,
  resolveNodeSource,
  nodeLoadDefaults,
  type NodeLoadOptions,
} from './load/node-model.ts';
export { createFolderSource } from './io/node/folder-source.ts';
export { stallTimeoutFromEnv } from './io/node/resolve.ts';
export { createFolderCache } from './io/node/model-cache.ts';
export { createFolderFeatureCache } from './io/node/feature-cache.ts';
export { defaultCacheDir, defaultFeatureCacheDir } from './io/node/paths.ts';
export { readBundleFolder, writeBundleFolder, folderStore } from './io/node/bundle-store.ts';
export { nodeKernelSpawner } from './kernel/node-spawn.ts';
export { loadSpamAssassin } from './data/node-spam-assassin.ts';
export { writeExportFolder } from './io/node/export-folder.ts';
