/**
 * Node-only entry point: backend setup with the wasm files resolved from node_modules, local folders and the
 * on-disk cache. Browser code imports '@browser-bert/core' only.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { useBackend, type BackendChoice, type BackendName } from './runtime/backend';

const require = createRequire(import.meta.url);

/** Directory (with trailing slash) of tfjs-backend-wasm's .wasm binaries. */
export function wasmDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
}

/** Node default: wasm (no native tfjs-node here), cpu as fallback. */
export async function initNodeBackend(choice: BackendChoice | 'auto' = 'wasm'): Promise<BackendName> {
  if (choice === 'auto') {
    try {
      return await useBackend('wasm', { wasmPaths: wasmDir() });
    } catch {
      return useBackend('cpu');
    }
  }
  return useBackend(choice, choice === 'wasm' ? { wasmPaths: wasmDir() } : {});
}
export {
  loadNode,
  loadTokenizerNode,
  resolveNodeSource,
  nodeLoadDefaults,
  type NodeLoadOptions,
} from './hub/node-load';
export { createFolderCache, defaultCacheDir } from './hub/node-cache';
export { nodeKernelSpawner } from './kernel/node-spawn';
export { createFolderSource } from './hub/node-folder';
export { createFolderFeatureCache, defaultFeatureCacheDir } from './features/node-cache';
export { readBundleFolder, writeBundleFolder, folderStore } from './classifier/node-classifier';
export { writeExportFolder } from './export/node-export-folder';
