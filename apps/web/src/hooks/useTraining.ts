import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { client } from '../lib/client-instance';
import { toUiError, type UiError } from '../components/ErrorBox';
import { WorkerError, type Call } from '../worker/client';
import { createProgressStore } from '../lib/progress-store';
import type { BinaryCurves, ClassifierSummary, ReportMsg, TrainOptionsMsg } from '../worker/protocol';

export interface TrainingState {
  readonly running: boolean;
  /** Set once the first progress message of this run arrived. */
  readonly started: boolean;
  readonly error: UiError | undefined;
  readonly cancelled: boolean;
  /** Train click → report on screen, measured on the page. */
  readonly elapsedMs: number | undefined;
  /** Trainings finished so far on this page. */
  readonly runs: number;
  readonly report: ReportMsg | undefined;
  /** Binary: test curves + threshold table, fetched right after the report is shown. */
  readonly curves: BinaryCurves | undefined;
}

export function useTraining(onClassifier: (c: ClassifierSummary) => void) {
  const [state, setState] = useState<TrainingState>({
    running: false,
    started: false,
    error: undefined,
    cancelled: false,
    elapsedMs: undefined,
    runs: 0,
    report: undefined,
    curves: undefined,
  });
  const current = useRef<Call<'train'> | undefined>(undefined);
  const [progress] = useState(createProgressStore);
  const clickedAt = useRef<number | undefined>(undefined);

  // Train click → results committed to the screen (measured after React has rendered them).
  useEffect(() => {
    const t0 = clickedAt.current;
    if (state.report && t0 !== undefined) {
      clickedAt.current = undefined;
      setState((s) => ({ ...s, elapsedMs: performance.now() - t0 }));
    }
  }, [state.report]);

  /** `prepare` re-sends model and data if the worker was restarted (e.g. after running out of memory). */
  const train = useCallback(
    async (options: TrainOptionsMsg, prepare: () => Promise<void>) => {
      const t0 = performance.now();
      progress.reset();
      // Figures of the previous run (its Train → metrics time) are not shown for this one.
      setState((s) => ({
        ...s,
        running: true,
        started: false,
        error: undefined,
        cancelled: false,
        elapsedMs: undefined,
      }));
      try {
        await prepare();
        let first = true;
        const call = client.call('train', { options }, (p) => {
          progress.push(p);
          if (first) setState((s) => ({ ...s, started: true }));
          first = false;
        });
        current.current = call;
        const { report, classifier } = await call.promise;
        // The report replaces the previous one only when training finished.
        // A transition: React renders the results in slices, so the main thread never blocks for long.
        clickedAt.current = t0;
        startTransition(() => {
          setState((s) => ({ ...s, running: false, report, curves: undefined, runs: s.runs + 1 }));
          onClassifier(classifier);
        });
        client.run('curves', {}).then(
          (curves) => startTransition(() => setState((s) => (s.report === report ? { ...s, curves } : s))),
          (e: unknown) => console.warn('test curves unavailable:', e), // the metrics table already has the results
        );
      } catch (e) {
        const cancelled = e instanceof WorkerError && e.code === 'CANCELLED';
        setState((s) => ({
          ...s,
          running: false,
          cancelled,
          error: cancelled ? undefined : toUiError('Training failed', e),
        }));
      } finally {
        current.current = undefined;
        progress.finish();
      }
    },
    [onClassifier, progress],
  );

  /** Shows a loaded classifier's stored report (no curves: its test scores are not stored). */
  const showReport = useCallback(
    (report: ReportMsg | undefined) =>
      setState((s) => ({ ...s, report, curves: undefined, elapsedMs: undefined, cancelled: false })),
    [],
  );

  const cancel = useCallback(() => current.current?.cancel(), []);
  const dismiss = useCallback(() => setState((s) => ({ ...s, error: undefined })), []);
  return { state, progress, train, cancel, dismiss, showReport };
}
