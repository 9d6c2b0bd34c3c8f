import { useMemo, useState } from 'react';
import type { BinaryCurves, ReportMsg } from '../worker/protocol';
import { formatMs, num, pct } from '../lib/format';
import { Chart } from './Chart';

const PAGE = 8;

function Kpi({ value, label }: { value: string; label: string }) {
  return (
    <div className="kpi">
      <b>{value}</b>
      <span>{label}</span>
    </div>
  );
}

/** Step 4: held-out test metrics, confusion matrix, ROC/PR, threshold slider and misclassified texts. */
export function EvaluatePanel({ report: r, curves: b }: { report: ReportMsg; curves: BinaryCurves | undefined }) {
  const [page, setPage] = useState(0);
  const [picked, setThIndex] = useState<number | undefined>(undefined);
  const thIndex = picked ?? (b ? Math.round(b.chosenThreshold * 100) : 50);
  const at = b?.atThreshold[thIndex];
  const pages = Math.max(1, Math.ceil(r.misclassified.length / PAGE));
  const shown = r.misclassified.slice(page * PAGE, page * PAGE + PAGE);

  const roc = useMemo(
    () => (b ? { x: [...b.roc.fpr], s: [{ label: 'ROC', color: '#3b5bdb', values: [...b.roc.tpr] }] } : undefined),
    [b],
  );
  const pr = useMemo(
    () =>
      b ? { x: [...b.pr.recall], s: [{ label: 'PR', color: '#e8590c', values: [...b.pr.precision] }] } : undefined,
    [b],
  );

  return (
    <div data-testid="report">
      {r.encoder.random_init && (
        <p className="badge warn" style={{ display: 'inline-block' }}>
          random-init encoder: these numbers check the pipeline, not BERT quality
        </p>
      )}
      <div className="kpis">
        <Kpi value={pct(r.test.accuracy)} label="test accuracy" />
        <Kpi value={pct(r.baseline.majority_accuracy)} label="majority baseline" />
        <Kpi value={num(r.test.macro_f1)} label="macro-F1" />
        {r.test.roc_auc != null && <Kpi value={num(r.test.roc_auc)} label="ROC-AUC" />}
        {r.test.pr_auc != null && <Kpi value={num(r.test.pr_auc)} label="PR-AUC" />}
      </div>
      <p className="note">
        Held-out test split: {r.splits.test} texts never used for any choice (train {r.splits.train}, validation{' '}
        {r.splits.validation}; {r.duplicates_removed} duplicates removed first). Encoder {r.encoder.source}, pooling{' '}
        {r.encoder.pooling}, fine-tuned layers {String(r.encoder.fine_tune_layers)}.{' '}
        <span data-testid="stage-times">
          Time per stage:{' '}
          {Object.entries(r.timing_ms)
            .map(([k, v]) => `${k} ${formatMs(v)}`)
            .join(' · ')}
          .
        </span>
      </p>
      <div className="scroll">
        <table aria-label="Per-class test metrics" data-testid="metrics-table">
          <thead>
            <tr>
              <th>class</th>
              <th className="num">precision</th>
              <th className="num">recall</th>
              <th className="num">F1</th>
              <th className="num">support</th>
            </tr>
          </thead>
          <tbody>
            {r.labels.map((l) => {
              const m = r.test.per_class[l];
              return (
                <tr key={l}>
                  <td>{l}</td>
                  <td className="num">{num(m?.precision)}</td>
                  <td className="num">{num(m?.recall)}</td>
                  <td className="num">{num(m?.f1)}</td>
                  <td className="num">{m?.support ?? '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h3>Confusion matrix (rows: true, columns: predicted)</h3>
      <div className="scroll">
        <table className="confusion" aria-label="Confusion matrix" data-testid="confusion">
          <thead>
            <tr>
              <th>true \ predicted</th>
              {r.labels.map((l) => (
                <th key={l}>{l}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {r.test.confusion.map((row, i) => {
              const total = row.reduce((a, v) => a + v, 0) || 1;
              return (
                <tr key={i}>
                  <th>{r.labels[i]}</th>
                  {row.map((v, j) => (
                    <td key={j} style={{ background: `rgba(59, 91, 219, ${(0.08 + (0.6 * v) / total).toFixed(2)})` }}>
                      {v}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {b && at && roc && pr && (
        <>
          <div className="charts">
            <Chart
              title={`ROC (positive: ${b.positiveLabel})`}
              xLabel="false positive rate"
              x={roc.x}
              series={roc.s}
              yRange={[0, 1]}
              xRange={[0, 1]}
            />
            <Chart title="Precision–recall" xLabel="recall" x={pr.x} series={pr.s} yRange={[0, 1]} xRange={[0, 1]} />
          </div>
          <div className="row">
            <label className="field" style={{ flex: '1 1 260px' }}>
              Decision threshold for “{b.positiveLabel}”: {at.threshold.toFixed(2)} (chosen on validation:{' '}
              {b.chosenThreshold.toFixed(2)})
              <input
                type="range"
                min={0}
                max={b.atThreshold.length - 1}
                step={1}
                value={thIndex}
                onChange={(e) => setThIndex(Number(e.target.value))}
              />
            </label>
          </div>
          <div className="kpis" data-testid="threshold-metrics" aria-live="polite">
            <Kpi value={num(at.precision)} label="precision" />
            <Kpi value={num(at.recall)} label="recall" />
            <Kpi value={num(at.f1)} label="F1" />
            <Kpi value={pct(at.accuracy)} label="accuracy" />
          </div>
        </>
      )}
      <h3>Misclassified test texts ({r.misclassified.length})</h3>
      {shown.length > 0 && (
        <>
          <div className="scroll">
            <table aria-label="Misclassified test texts" data-testid="misclassified">
              <thead>
                <tr>
                  <th>true</th>
                  <th>predicted</th>
                  <th>scores</th>
                  <th>text</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((m, i) => (
                  <tr key={page * PAGE + i}>
                    <td>{m.true}</td>
                    <td>{m.predicted}</td>
                    <td>
                      {Object.entries(m.scores)
                        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
                        .join(', ')}
                    </td>
                    <td className="text">{m.text}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="row">
            <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <span>
              page {page + 1} of {pages}
            </span>
            <button type="button" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
              Next
            </button>
          </div>
        </>
      )}
    </div>
  );
}
