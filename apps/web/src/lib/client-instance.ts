/** The page's one training worker (module worker, bundled by Vite). */
import { WorkerClient } from '../worker/client';

export const client = new WorkerClient(
  () => new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'browser-bert' }),
);
