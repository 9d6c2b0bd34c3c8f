/**
 * Typed main-thread client for the training worker.
 * Hand-written instead of comlink: our protocol has progress streams and cancellation by request id, which comlink
 * would need proxied callbacks for; 60 lines keep every message visibly typed by protocol.ts.
 */
import type { ErrorMsg, OpName, Operations, Request, Response } from './protocol';

/** An error that came back from the worker, with the library's code and hint. */
export class WorkerError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly errorName: string;
  constructor(e: ErrorMsg) {
    super(e.message);
    this.name = 'WorkerError';
    this.code = e.code;
    this.hint = e.hint;
    this.errorName = e.name;
  }
}

interface Pending {
  readonly op: OpName;
  resolve(v: unknown): void;
  reject(e: Error): void;
  onProgress: ((p: unknown) => void) | undefined;
}

export interface Call<K extends OpName> {
  readonly id: number;
  readonly promise: Promise<Operations[K]['res']>;
  cancel(): void;
}

type Payload<K extends OpName> = Operations[K]['req'];

export const CANCEL_SLOTS = 256;

export class WorkerClient {
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Incremented each time the worker is restarted: state held by the old worker is gone. */
  generation = 0;
  /**
   * Cancel flags shared with the worker (when cross-origin isolated): the worker polls them synchronously from its
   * progress callbacks, so a cancel lands within one batch even if the training loop never yields to messages.
   */
  readonly cancelFlags: SharedArrayBuffer | undefined =
    typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated
      ? new SharedArrayBuffer(4 * CANCEL_SLOTS)
      : undefined;
  /** Called when the worker dies (e.g. out of memory); the client restarts it on the next call. */
  onCrash: ((message: string) => void) | undefined;

  constructor(private readonly create: () => Worker) {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const w = this.create();
    w.onmessage = (ev: MessageEvent<Response>) => this.receive(ev.data);
    w.onerror = (ev) => {
      ev.preventDefault();
      this.crash(ev.message || 'the worker stopped unexpectedly');
    };
    return w;
  }

  private crash(message: string): void {
    const err: ErrorMsg = {
      name: 'WorkerCrash',
      code: /memory/i.test(message) ? 'OOM' : 'INTERNAL',
      message: `The training worker stopped: ${message}`,
      hint: 'reload the model and try a smaller batch size, model or dataset; your data and saved classifiers are kept',
    };
    for (const p of this.pending.values()) p.reject(new WorkerError(err));
    this.pending.clear();
    this.worker.terminate();
    this.worker = this.spawn();
    this.generation++;
    this.onCrash?.(err.message);
  }

  private receive(msg: Response): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') p.onProgress?.(msg.progress);
    else {
      this.pending.delete(msg.id);
      if (msg.type === 'result') p.resolve(msg.result);
      else p.reject(new WorkerError(msg.error));
    }
  }

  /** Sends one request; `onProgress` receives that operation's typed progress messages. */
  call<K extends OpName>(
    type: K,
    payload: Payload<K>,
    onProgress?: (p: Operations[K]['progress']) => void,
    transfer: Transferable[] = [],
  ): Call<K> {
    const id = this.nextId++;
    const promise = new Promise<Operations[K]['res']>((resolve, reject) => {
      this.pending.set(id, {
        op: type,
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: onProgress as ((p: unknown) => void) | undefined,
      });
    });
    const request = { ...payload, id, type } as unknown as Request;
    this.worker.postMessage(request, transfer);
    return { id, promise, cancel: () => this.cancel(id) };
  }

  cancel(id: number): void {
    if (this.cancelFlags) Atomics.store(new Int32Array(this.cancelFlags), id % CANCEL_SLOTS, 1);
    void this.call('cancel', { target: id }).promise.catch(() => undefined);
  }

  /** Shorthand for calls whose progress is not needed. */
  run<K extends OpName>(type: K, payload: Payload<K>): Promise<Operations[K]['res']> {
    return this.call(type, payload).promise;
  }

  dispose(): void {
    this.worker.terminate();
    this.pending.clear();
  }
}
