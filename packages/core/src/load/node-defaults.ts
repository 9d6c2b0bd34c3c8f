/**
 * The Node wiring, in one explicit call: kernel workers on worker_threads, folder paths as bundle targets
 * (save/load), and the folder-aware model loader (local paths, the cache folder, HF_ENDPOINT) for classifiers whose
 * encoder is not in their bundle. node.ts calls it once on import (the package lists node.js under sideEffects).
 */
import { registerBundleStore } from '../io/bundle-store.ts';
import { folderStore } from '../io/node/bundle-store.ts';
import { nodeKernelSpawner } from '../kernel/node-spawn.ts';
import { setDefaultKernelSpawner } from '../kernel/spawn.ts';
import { setDefaultModelLoader } from './classifier.ts';
import { loadNode } from './node-model.ts';

let installed = false;

/** Idempotent. */
export function installNodeDefaults(): void {
  if (installed) return;
  installed = true;
  setDefaultKernelSpawner(nodeKernelSpawner);
  registerBundleStore(folderStore);
  setDefaultModelLoader((source, options) => loadNode(source, options));
}
