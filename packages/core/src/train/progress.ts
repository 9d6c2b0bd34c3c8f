/** The pipeline's progress events (TrainProgress) with estimated time left, and its stage timings. */
import type { EpochStats } from '../head/types.ts';
import type { TrainProgress } from './types.ts';

/** Milliseconds left at a steady rate since t0; undefined before the first unit is done. */
export function etaMs(t0: number, done: number, total: number): number | undefined {
  if (done >= total) return 0;
  return done > 0 ? ((performance.now() - t0) / done) * (total - done) : undefined;
}

/** A stage progress callback (done, total) that emits `stage` events with an ETA measured from its first call. */
export function stageProgress(
  emit: (e: TrainProgress) => void,
  stage: 'tokenize' | 'embed',
): (done: number, total: number) => void {
  let t0: number | undefined;
  return (done, total) => {
    t0 ??= performance.now();
    const e = { done, total, etaMs: done === 0 ? undefined : etaMs(t0, done, total) };
    emit(stage === 'embed' ? { stage, cached: false, ...e } : { stage, ...e });
  };
}

/** Epoch and batch events for the training loop's callbacks. */
export function epochProgress(
  emit: (e: TrainProgress) => void,
  totalEpochs: number,
): { onEpoch: (s: EpochStats) => void; onBatch: (done: number, total: number) => void } {
  let epoch = 1;
  let epochStart = performance.now();
  return {
    onEpoch(s) {
      epoch = s.epoch + 1;
      epochStart = performance.now();
      emit({ stage: 'epoch', totalEpochs, ...s });
    },
    onBatch(done, total) {
      emit({ stage: 'batch', epoch, totalEpochs, done, total, etaMs: etaMs(epochStart, done, total) });
    },
  };
}

/**
 * Wall time per pipeline stage (the report's timing_ms), in whole milliseconds: `lap(stage)` charges the time since
 * the previous lap to `stage`; `lap(stage, ms)` charges `ms` of it (a sub-stage measured inside a call).
 */
export function stageClock(): { lap(stage: string, ms?: number): void; readonly timing: Record<string, number> } {
  const timing: Record<string, number> = {};
  const start = performance.now();
  let t = start;
  return {
    timing,
    lap(stage, ms) {
      const now = performance.now();
      const spent = ms ?? now - t;
      timing[stage] = Math.round((timing[stage] ?? 0) + spent);
      t = ms === undefined ? now : t + ms;
      timing.total = Math.round(now - start);
    },
  };
}
