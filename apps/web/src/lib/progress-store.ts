/**
 * Live training progress outside React state: progress messages arrive many times a second, and only the
 * progress view subscribes to them (useSyncExternalStore), so the rest of the page does not re-render.
 * Updates are coalesced to one per animation-friendly interval.
 */
import type { EpochPoint, TrainProgressMsg, TrainStage } from '../worker/protocol';

export interface ProgressSnapshot {
  readonly stages: Partial<Record<TrainStage, TrainProgressMsg>>;
  readonly history: readonly EpochPoint[];
  /** The run ended (finished, stopped early, cancelled or failed): no time left is shown. */
  readonly ended?: boolean;
}

const EMPTY: ProgressSnapshot = { stages: {}, history: [] };
const INTERVAL_MS = 250;

export function createProgressStore() {
  let snapshot = EMPTY;
  let pending: ProgressSnapshot | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<() => void>();
  const publish = () => {
    timer = undefined;
    if (!pending) return;
    snapshot = pending;
    pending = undefined;
    for (const l of listeners) l();
  };
  return {
    subscribe(l: () => void): () => void {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    get: (): ProgressSnapshot => snapshot,
    push(p: TrainProgressMsg): void {
      const base = pending ?? snapshot;
      const history = p.history ?? base.history;
      pending = { stages: { ...base.stages, [p.stage]: p }, history };
      // A finished epoch (new curve point) is shown at once; everything else at most every INTERVAL_MS.
      if (history.length !== snapshot.history.length) {
        if (timer) clearTimeout(timer);
        publish();
      } else timer ??= setTimeout(publish, INTERVAL_MS);
    },
    /** The run ended (finished, stopped early, cancelled or failed): no stage has time left. */
    finish(): void {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const base = pending ?? snapshot;
      pending = undefined;
      const stages: ProgressSnapshot['stages'] = {};
      for (const [k, v] of Object.entries(base.stages))
        stages[k as TrainStage] = { ...v, etaMs: undefined, etaSpreadMs: undefined };
      snapshot = { stages, history: base.history, ended: true };
      for (const l of listeners) l();
    },
    reset(): void {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      snapshot = EMPTY;
      for (const l of listeners) l();
    },
  };
}

export type ProgressStore = ReturnType<typeof createProgressStore>;
