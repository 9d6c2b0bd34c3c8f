/** Node's kernel workers: worker_threads running the worker source with eval (unref'd: they never hold the process). */
import { Worker } from 'node:worker_threads';
import type { KernelReply } from './protocol';
import { setDefaultKernelSpawner, type KernelSpawner } from './spawn';

export const nodeKernelSpawner: KernelSpawner = (source) => {
  const worker = new Worker(source, { eval: true });
  worker.unref();
  return {
    post: (message, transfer = []) => worker.postMessage(message, transfer as never),
    onReply(callback) {
      worker.on('message', (reply: KernelReply) => callback(reply));
      worker.on('error', (e: Error) =>
        callback({ type: 'error', id: undefined, message: `kernel worker failed: ${e.message}` }),
      );
    },
    terminate: () => void worker.terminate(),
  };
};

// Importing the Node entry point (node.ts) makes worker_threads the default for every engine.
setDefaultKernelSpawner(nodeKernelSpawner);
