/**
 * A time-out for transfers that stall: it fires when no progress was reported for `ms` (reset by `kick()` on every
 * chunk), aborts the request's AbortController (closing the connection) and rejects whatever `race()` is waiting on —
 * even when an injected fetch ignores its signal. Also forwards the caller's own AbortSignal. Always `stop()` it.
 */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/** Thrown by `race()` when the time-out fired; callers turn it into their own typed error. */
export class StallTimeout extends Error {
  readonly ms: number;
  constructor(ms: number) {
    super(`no bytes for ${ms} ms`);
    this.name = 'StallTimeout';
    this.ms = ms;
  }
}

export interface StallWatchdog {
  /** The signal to pass to fetch: aborted on a stall or when the caller's signal aborts. */
  readonly signal: AbortSignal;
  readonly stalled: boolean;
  /** Progress was made: restart the clock. */
  kick(): void;
  /** `p`, or a StallTimeout rejection as soon as the clock runs out. */
  race<T>(p: Promise<T>): Promise<T>;
  stop(): void;
}

/** `ms` ≤ 0 or not finite: no time-out (the caller's signal is still forwarded). */
export function startStallWatchdog(ms: number, outer?: AbortSignal): StallWatchdog {
  const controller = new AbortController();
  const enabled = Number.isFinite(ms) && ms > 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stalled = false;
  const waiting = new Set<(e: StallTimeout) => void>();
  const fire = () => {
    stalled = true;
    timer = undefined;
    const e = new StallTimeout(ms);
    for (const reject of waiting) reject(e);
    waiting.clear();
    controller.abort(e);
  };
  const onOuterAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  const kick = () => {
    if (!enabled || stalled) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(fire, ms);
  };
  kick();
  return {
    signal: controller.signal,
    get stalled() {
      return stalled;
    },
    kick,
    race<T>(p: Promise<T>): Promise<T> {
      if (stalled) return Promise.reject(new StallTimeout(ms));
      let reject!: (e: StallTimeout) => void;
      const stall = new Promise<never>((_, r) => (reject = r));
      waiting.add(reject);
      return Promise.race([p, stall]).finally(() => waiting.delete(reject));
    },
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      waiting.clear();
      outer?.removeEventListener('abort', onOuterAbort);
    },
  };
}
