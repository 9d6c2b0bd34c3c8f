import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../errors.ts';

export type BackendName = 'wasm' | 'cpu' | 'webgl' | 'webgpu';
export type BackendChoice = BackendName | 'auto';

export interface BackendOptions {
  /** Folder or per-file map holding tfjs-backend-wasm's .wasm files. Required for wasm in Node (see node.ts). */
  wasmPaths?: string | Record<string, string>;
  /** wasm threads (only with cross-origin isolation). Default: navigator.hardwareConcurrency. */
  threads?: number;
}

const registered = new Set<BackendName>(['cpu']);

async function register(name: BackendName): Promise<boolean> {
  if (registered.has(name)) return true;
  try {
    if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    else if (name === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
    else if (name === 'webgpu') {
      if (typeof navigator === 'undefined' || !('gpu' in navigator)) return false;
      await import('@tensorflow/tfjs-backend-webgpu');
    }
    registered.add(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Selects a TF.js backend. 'auto' tries WebGPU > wasm > WebGL > cpu and keeps the first that initialises.
 * Returns the active backend name.
 */
export async function useBackend(choice: BackendChoice = 'auto', options: BackendOptions = {}): Promise<BackendName> {
  if (options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths as string);
  if (options.threads !== undefined) setThreadsCount(options.threads);
  const order: BackendName[] = choice === 'auto' ? ['webgpu', 'wasm', 'webgl', 'cpu'] : [choice];
  const failures: string[] = [];
  for (const name of order) {
    if (!(await register(name))) {
      failures.push(`${name}: not available here`);
      continue;
    }
    try {
      if (tf.getBackend() === name) return name;
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
      failures.push(`${name}: failed to initialise`);
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new BackendError(
    `No TF.js backend could be started (${failures.join('; ')})`,
    choice === 'auto' ? '' : `try --backend cpu, or 'auto'`,
  );
}

export function activeBackend(): string {
  return tf.getBackend();
}
