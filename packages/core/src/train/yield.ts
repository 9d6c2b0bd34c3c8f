/**
 * Cooperative yielding for long loops: lets progress messages, cancel messages and rendering through.
 * Uses yieldToEventLoop (setImmediate in Node, MessageChannel in browsers: no 4 ms clamp), and only yields
 * when `intervalMs` of work has passed, so tight loops are not slowed down.
 */
import { throwIfAborted } from '../errors';
import { yieldToEventLoop } from '../features/embed-batches';

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
