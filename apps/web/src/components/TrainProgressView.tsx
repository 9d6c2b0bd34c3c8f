import { memo, useMemo, useSyncExternalStore } from 'react';
import type { ProgressStore } from '../lib/progress-store';
import { Chart } from './Chart';
import { ProgressBar } from './ProgressBar';

/** Progress bars and live loss/accuracy curves; the only part of the page that re-renders while training. */
export const TrainProgressView = memo(function TrainProgressView({
  store,
  visible,
  chartsReady,
}: {
  store: ProgressStore;
  visible: boolean;
  /** Draw the (empty) charts before training starts, so that training only ever updates them. */
  chartsReady: boolean;
}) {
  const { stages: st, history: h } = useSyncExternalStore(store.subscribe, store.get);
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
  return (
    <>
      {bars && (
        <div aria-live="polite" data-testid="train-progress">
          {st.tokenize && (
            <ProgressBar label="Tokenize" done={st.tokenize.done} total={st.tokenize.total} etaMs={st.tokenize.etaMs} />
          )}
          {st.embed && (
            <ProgressBar
              label="Embed"
              done={st.embed.done}
              total={st.embed.total}
              etaMs={st.embed.etaMs}
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
            <ProgressBar label="Epochs" done={st.epoch.done} total={st.epoch.total} etaMs={st.epoch.etaMs} />
          )}
          {st.evaluate && (
            <ProgressBar label="Evaluate" done={st.evaluate.done} total={st.evaluate.total} etaMs={st.evaluate.etaMs} />
          )}
        </div>
      )}
      {(chartsReady || h.length > 0) && (
        <div className="charts" aria-label="Training curves (filled in while training)">
          <Chart title="Loss" xLabel="epoch" x={curves.x} series={curves.loss} />
          <Chart title="Accuracy" xLabel="epoch" x={curves.x} series={curves.acc} yRange={[0, 1]} />
        </div>
      )}
    </>
  );
});
