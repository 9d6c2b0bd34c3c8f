import { useMemo } from 'react';
import type { LabelViewMsg } from '../worker/protocol-label';
import { formatMs, pct } from '../lib/format';
import { Chart } from './Chart';

/** The learning curve: cross-validated accuracy per retrain, labels per class, the pool's predicted classes. */
export function LabelProgress({ view }: { view: LabelViewMsg }) {
  const last = view.curve.at(-1);
  const chart = useMemo(
    () => ({
      x: view.curve.map((p) => p.labelled),
      series: [
        { label: 'cross-validated accuracy', color: '#3b5bdb', values: view.curve.map((p) => p.cvAccuracy ?? null) },
      ],
    }),
    [view.curve],
  );
  return (
    <div data-testid="label-progress">
      {view.randomInit && (
        <p className="badge warn" data-testid="label-random-init">
          random-init encoder: these numbers check the pipeline, not BERT quality
        </p>
      )}
      <div className="kpis" aria-label="Labels per class">
        <div className="kpi">
          <b data-testid="labelled-count">{view.labelled}</b>
          <span>labelled of {view.size.toLocaleString()}</span>
        </div>
        {view.classes.map((c, i) => (
          <div className="kpi" key={c}>
            <b data-testid={`class-count-${c}`}>{view.perClass[i] ?? 0}</b>
            <span>{c}</span>
          </div>
        ))}
        <div className="kpi">
          <b data-testid="cv-accuracy">{pct(last?.cvAccuracy)}</b>
          <span>accuracy estimate ({last?.cvFolds ? `${last.cvFolds}-fold CV` : 'needs 2 labels per class'})</span>
        </div>
      </div>
      {last && (
        <p className="note">
          Unlabelled texts the current model puts in each class:{' '}
          <span data-testid="pool-counts">
            {view.classes.map((c, i) => `${c} ${(last.poolCounts[i] ?? 0).toLocaleString()}`).join(' · ')}
          </span>
          . Last retrain{' '}
          <span data-testid="retrain-ms" data-ms={last.ms}>
            {formatMs(last.ms)}
          </span>{' '}
          (head + {last.cvFolds}-fold estimate + predictions over {view.size.toLocaleString()} texts); next after{' '}
          {view.untilRetrain} more change{view.untilRetrain === 1 ? '' : 's'}.
        </p>
      )}
      {view.curve.length > 1 && (
        <Chart title="Learning curve" xLabel="labels" x={chart.x} series={chart.series} yRange={[0, 1]} height={160} />
      )}
    </div>
  );
}
