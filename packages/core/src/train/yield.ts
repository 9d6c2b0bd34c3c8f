/**
 * Cooperative yielding for long loops: lets progress messages, cancel messages and rendering through.
 * Uses MessageChannel (no 4 ms timer clamp in browsers/workers) or setImmediate in Node, and only yields
 * when `intervalMs` of work has passed, so tight loops are not slowed down.
 */
import { throwIfAborted } from '../errors';

type Immediate = (cb: () => void) => unknown;

function macrotask(): Promise<void> {
  const si = (globalThis as { setImmediate?: Immediate }).setImmediate;
  if (si) return new Promise((resolve) => void si(resolve));
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export interface Yielder {
  /** Yields to the event loop if `intervalMs` passed since the last yield, then throws CancelledError if aborted. */
  maybeYield(): Promise<void>;
}

export function createYielder(signal: AbortSignal | undefined, intervalMs = 30): Yielder {
  let last = performance.now();
  return {
    async maybeYield() {
      throwIfAborted(signal);
      const now = performance.now();
      if (now - last >= intervalMs) {
        await macrotask();
        last = performance.now();
        throwIfAborted(signal);
      }
    },
  };
}
