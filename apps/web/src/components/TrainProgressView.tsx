import { memo, useMemo, useSyncExternalStore } from 'react';
import type { ProgressStore } from '../lib/progress-store';
import { Chart } from './Chart';
import { ProgressBar } from './ProgressBar';

/** Progress bars and live loss/accuracy curves; the only part of the page that re-renders while training. */
export const TrainProgressView = memo(function TrainProgressView({
  store,
  visible,
  chartsReady,
  epochsPlanned,
}: {
  store: ProgressStore;
  /** Epochs of the run about to start (the chart's axis before the first epoch report). */
  epochsPlanned: number;
  visible: boolean;
  /** Draw the (empty) charts before training starts, so that training only ever updates them. */
  chartsReady: boolean;
}) {
  const { stages: st, history: h, ended } = useSyncExternalStore(store.subscribe, store.get);
  const curves = useMemo(() => {
    const x = h.map((p) => p.epoch);
    return {
      x,
      loss: [
        { label: 'train', color: '#3b5bdb', values: h.map((p) => p.loss) },
        { label: 'validation', color: '#e8590c', values: h.map((p) => p.valLoss ?? null), dash: [6, 4] },
      ],
      acc: [
        { label: 'train', color: '#3b5bdb', values: h.map((p) => p.accuracy) },
        { label: 'validation', color: '#e8590c', values: h.map((p) => p.valAccuracy ?? null), dash: [6, 4] },
      ],
    };
  }, [h]);
  const bars = visible || Object.keys(st).length > 0;
  // The epoch axis of this run (a new run with other epochs gets its own axis, not the previous one's).
  const epochs = st.epoch?.total ?? epochsPlanned;
  const xRange: [number, number] = [1, Math.max(2, epochs)];
  return (
    <>
      {bars && (
        <div aria-live="polite" data-testid="train-progress">
          {st.tokenize && (
            <ProgressBar
              ended={ended}
              label="Tokenize"
              done={st.tokenize.done}
              total={st.tokenize.total}
              etaMs={st.tokenize.etaMs}
              etaSpreadMs={st.tokenize.etaSpreadMs}
            />
          )}
          {st.embed && (
            <ProgressBar
              ended={ended}
              label="Embed"
              done={st.embed.done}
              total={st.embed.total}
              etaMs={st.embed.etaMs}
              etaSpreadMs={st.embed.etaSpreadMs}
              note={st.embed.fromCache ? '(feature cache)' : ''}
            />
          )}
          {st.contrastive && (
            <ProgressBar
              label="Few-shot pairs (epochs)"
              done={st.contrastive.done}
              total={st.contrastive.total}
              etaMs={st.contrastive.etaMs}
            />
          )}
          {st.epoch && (
            <ProgressBar
              ended={ended}
              label="Epochs"
              done={st.epoch.done}
              total={st.epoch.total}
              etaMs={st.epoch.etaMs}
              etaSpreadMs={st.epoch.etaSpreadMs}
            />
          )}
          {st.evaluate && (
            <ProgressBar
              ended={ended}
              label="Evaluate"
              done={st.evaluate.done}
              total={st.evaluate.total}
              etaMs={st.evaluate.etaMs}
              etaSpreadMs={st.evaluate.etaSpreadMs}
            />
          )}
        </div>
      )}
      {(chartsReady || h.length > 0) && (
        <div className="charts" aria-label="Training curves (filled in while training)">
          <Chart title="Loss" xLabel="epoch" x={curves.x} series={curves.loss} xRange={xRange} />
          <Chart title="Accuracy" xLabel="epoch" x={curves.x} series={curves.acc} yRange={[0, 1]} xRange={xRange} />
        </div>
      )}
    </>
  );
});
