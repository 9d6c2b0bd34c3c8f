/** Node's kernel workers: worker_threads running the worker source with eval; they keep the process alive only while busy. */
import { Worker } from 'node:worker_threads';
import type { KernelReply } from './protocol.ts';
import type { KernelSpawner } from './spawn.ts';

export const nodeKernelSpawner: KernelSpawner = (source) => {
  // No inherited execArgv: flags such as --input-type=module or --import tsx would change how the source runs.
  const worker = new Worker(source, { eval: true, execArgv: [] });
  return {
    post: (message, transfer = []) => worker.postMessage(message, transfer as never),
    onReply(callback) {
      worker.on('message', (reply: KernelReply) => callback(reply));
      worker.on('error', (e: Error) =>
        callback({ type: 'error', id: undefined, message: `kernel worker failed: ${e.message}` }),
      );
      worker.unref(); // idle until busy(true); after the listeners, since adding a 'message' listener refs it
    },
    busy: (busy) => (busy ? worker.ref() : worker.unref()),
    terminate: () => void worker.terminate(),
  };
};
