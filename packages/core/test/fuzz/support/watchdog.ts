/**
 * Hang detector for synchronous readers: a worker thread watches a heartbeat in shared memory; when one run takes
 * longer than the limit (an endless loop cannot be interrupted from its own thread), it prints which property and
 * which run hung — with the seed and fast-check path that replay exactly that input — and kills the process.
 */
import { Worker } from 'node:worker_threads';

const WORKER = `
const { workerData } = require('node:worker_threads');
const beat = new Int32Array(workerData.sab);
const text = new Uint8Array(workerData.label);
let last = -1, since = Date.now();
setInterval(() => {
  const now = Atomics.load(beat, 0);
  if (now !== last || Atomics.load(beat, 1) === 0) { last = now; since = Date.now(); return; }
  if (Date.now() - since > workerData.limitMs) {
    const label = new TextDecoder().decode(text.slice(0, Atomics.load(beat, 2)));
    // fs.writeSync on fd 2: a worker's process.stderr goes through the main thread, which is the one hanging
    require('node:fs').writeSync(2, '\\nFUZZ HANG: one run took over ' + workerData.limitMs + ' ms — ' + label + '\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, 100); // keeps the worker alive; the worker itself is unref'd
`;

export interface Watchdog {
  /** Call before each run: `label` must say how to replay it (seed, path). */
  start(label: string): void;
  /** Call after each run. */
  end(): void;
  stop(): Promise<void>;
}

export function startWatchdog(limitMs: number): Watchdog {
  const sab = new SharedArrayBuffer(12);
  const label = new SharedArrayBuffer(1024);
  const beat = new Int32Array(sab);
  const bytes = new Uint8Array(label);
  const worker = new Worker(WORKER, { eval: true, workerData: { sab, label, limitMs } });
  worker.unref();
  let runs = 0;
  return {
    start(l) {
      const encoded = new TextEncoder().encode(l).subarray(0, bytes.length);
      bytes.set(encoded);
      Atomics.store(beat, 2, encoded.length);
      Atomics.store(beat, 0, ++runs);
      Atomics.store(beat, 1, 1);
    },
    end() {
      Atomics.store(beat, 1, 0);
    },
    stop: () => worker.terminate().then(() => undefined),
  };
}
