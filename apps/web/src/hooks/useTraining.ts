import { useCallback, useRef, useState } from 'react';
import { client } from '../lib/client-instance';
import { toUiError, type UiError } from '../components/ErrorBox';
import { WorkerError, type Call } from '../worker/client';
import type {
  ClassifierSummary,
  EpochPoint,
  ReportMsg,
  TrainOptionsMsg,
  TrainProgressMsg,
  TrainStage,
} from '../worker/protocol';

export interface TrainingState {
  readonly running: boolean;
  readonly stages: Partial<Record<TrainStage, TrainProgressMsg>>;
  readonly history: readonly EpochPoint[];
  readonly error: UiError | undefined;
  readonly cancelled: boolean;
  /** Train click → report on screen, measured on the page. */
  readonly elapsedMs: number | undefined;
  readonly report: ReportMsg | undefined;
}

export function useTraining(onClassifier: (c: ClassifierSummary) => void) {
  const [state, setState] = useState<TrainingState>({
    running: false,
    stages: {},
    history: [],
    error: undefined,
    cancelled: false,
    elapsedMs: undefined,
    report: undefined,
  });
  const current = useRef<Call<'train'> | undefined>(undefined);

  /** `prepare` re-sends model and data if the worker was restarted (e.g. after running out of memory). */
  const train = useCallback(
    async (options: TrainOptionsMsg, prepare: () => Promise<void>) => {
      const t0 = performance.now();
      setState((s) => ({ ...s, running: true, stages: {}, history: [], error: undefined, cancelled: false }));
      try {
        await prepare();
        const call = client.call('train', { options }, (p) =>
          setState((s) => ({ ...s, stages: { ...s.stages, [p.stage]: p }, history: p.history ?? s.history })),
        );
        current.current = call;
        const { report, classifier } = await call.promise;
        // The report replaces the previous one only when training finished.
        setState((s) => ({ ...s, running: false, report, elapsedMs: performance.now() - t0 }));
        onClassifier(classifier);
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
      }
    },
    [onClassifier],
  );

  const cancel = useCallback(() => current.current?.cancel(), []);
  const dismiss = useCallback(() => setState((s) => ({ ...s, error: undefined })), []);
  return { state, train, cancel, dismiss };
}
