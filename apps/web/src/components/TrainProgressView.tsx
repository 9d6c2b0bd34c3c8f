import { memo, useMemo, useSyncExternalStore } from 'react';
import type { ProgressStore } from '../lib/progress-store';
import type { TrainStage } from '../worker/protocol';
import { Chart } from './Chart';
import { ProgressBar } from './ProgressBar';

/** The stages shown as bars, in order. */
const BARS: readonly { stage: TrainStage; label: string }[] = [
  { stage: 'tokenize', label: 'Tokenize' },
  { stage: 'embed', label: 'Embed' },
  { stage: 'contrastive', label: 'Few-shot pairs (epochs)' },
  { stage: 'epoch', label: 'Epochs' },
  { stage: 'evaluate', label: 'Evaluate' },
];

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
          {BARS.map(({ stage, label }) => {
            const p = st[stage];
            return (
              p && (
                <ProgressBar
                  key={stage}
                  ended={ended}
                  label={label}
                  done={p.done}
                  total={p.total}
                  etaMs={p.etaMs}
                  etaSpreadMs={p.etaSpreadMs}
                  note={p.fromCache ? '(feature cache)' : ''}
                />
              )
            );
          })}
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
