/** Node: the TF.js backend with tfjs-backend-wasm's .wasm files resolved from node_modules (no native tfjs-node). */
import { createRequire } from 'node:module';
import path from 'node:path';
import { useBackend, type BackendChoice, type BackendName } from './backend.ts';

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
