/**
 * Cooperative yielding for long loops: lets progress messages, cancel messages and rendering through.
 * Uses yieldToEventLoop (setImmediate in Node, MessageChannel in browsers: no 4 ms clamp), and only yields
 * when `intervalMs` of work has passed, so tight loops are not slowed down.
 */
import { throwIfAborted } from '../errors.ts';

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
        await yieldToEventLoop();
        last = performance.now();
        throwIfAborted(signal);
      }
    },
  };
}

/** Lets the event loop run (cancel messages in a worker, UI updates) without setTimeout's 4 ms clamp. */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const si = g.setImmediate;
    return new Promise((resolve) => si(resolve));
  }
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
