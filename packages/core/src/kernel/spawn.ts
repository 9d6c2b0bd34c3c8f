/** How the engine starts its workers: web Workers from a Blob URL here, worker_threads in node-spawn.ts. */
import type { KernelReply, KernelRequest } from './protocol.ts';

/** A started worker running KERNEL_WORKER_SOURCE (worker-bundle.ts, built from worker.ts). */
export interface KernelWorker {
  post(message: KernelRequest, transfer?: Transferable[]): void;
  /** Called for every reply, and with an error reply when the worker itself fails. */
  onReply(callback: (reply: KernelReply) => void): void;
  /** Whether the worker has work pending (Node: keeps the process alive only then); a no-op for web Workers. */
  busy(busy: boolean): void;
  terminate(): void;
}

export type KernelSpawner = (source: string) => KernelWorker;

let configured: KernelSpawner | undefined;

/** Node's entry point (node.ts) sets worker_threads here; browsers use web Workers. */
export function setDefaultKernelSpawner(spawner: KernelSpawner | undefined): void {
  configured = spawner;
}

/** The spawner engines use when none is given: the configured one, else web Workers, else none. */
export function defaultKernelSpawner(): KernelSpawner | undefined {
  return configured ?? webKernelSpawner();
}

/** Web Workers (pages and workers alike), or undefined where there are none (Node: use nodeKernelSpawner). */
export function webKernelSpawner(): KernelSpawner | undefined {
  if (typeof Worker === 'undefined' || typeof Blob === 'undefined' || typeof URL.createObjectURL !== 'function') {
    return undefined;
  }
  return (source) => {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const worker = new Worker(url);
    URL.revokeObjectURL(url);
    return {
      post: (message, transfer = []) => worker.postMessage(message, transfer),
      onReply(callback) {
        worker.onmessage = (e: MessageEvent<KernelReply>) => callback(e.data);
        worker.onerror = (e: ErrorEvent) => {
          e.preventDefault();
          callback({ type: 'error', id: undefined, message: `kernel worker failed: ${e.message}` });
        };
      },
      busy: () => undefined,
      terminate: () => worker.terminate(),
    };
  };
}
