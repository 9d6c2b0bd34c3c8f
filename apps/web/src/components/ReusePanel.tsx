import { useEffect, useState } from 'react';
import { client } from '../lib/client-instance';
import type { ClassifierSummary } from '../worker/protocol';
import { ErrorBox, toUiError, type UiError } from './ErrorBox';

/** Adds the text typed in Try to the loaded dataset, with a label chosen here (the prediction preselected). */
export function AddExample(props: {
  text: string;
  predicted: string | undefined;
  addTo: { labels: readonly string[]; onAdd: (text: string, label: string) => void };
}) {
  const { labels, onAdd } = props.addTo;
  const [label, setLabel] = useState<string | undefined>(undefined);
  const chosen = label ?? (props.predicted && labels.includes(props.predicted) ? props.predicted : labels[0]);
  return (
    <div className="row" data-testid="add-example">
      <label className="field">
        Label for the dataset
        <select value={chosen ?? ''} onChange={(e) => setLabel(e.target.value)}>
          {labels.map((l) => (
            <option key={l}>{l}</option>
          ))}
        </select>
      </label>
      <button type="button" disabled={!chosen} onClick={() => chosen && onAdd(props.text, chosen)}>
        Add this text to the dataset
      </button>
    </div>
  );
}

/** Rename the active classifier's classes, and score a whole file with it (download the scores as CSV). */
export function ReusePanel({
  classifier,
  onRenamed,
}: {
  classifier: ClassifierSummary;
  onRenamed: (c: ClassifierSummary) => void;
}) {
  const [names, setNames] = useState<string[]>([...classifier.labels]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | undefined>(undefined);
  const [scored, setScored] = useState<string | undefined>(undefined);
  useEffect(() => setNames([...classifier.labels]), [classifier.labels]);

  const run = async (title: string, f: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
    } catch (e) {
      setError(toUiError(title, e));
    } finally {
      setBusy(false);
    }
  };
  const changed = names.some((n, i) => n !== classifier.labels[i]);
  return (
    <>
      <h3>Class names</h3>
      <div className="row" data-testid="rename-labels">
        {classifier.labels.map((l, i) => (
          <label className="field" key={l}>
            Rename class “{l}” to
            <input
              type="text"
              value={names[i] ?? ''}
              onChange={(e) => setNames((n) => n.map((x, j) => (j === i ? e.target.value : x)))}
            />
          </label>
        ))}
        <button
          type="button"
          disabled={busy || !changed}
          onClick={() =>
            void run('The classes could not be renamed', async () =>
              onRenamed(await client.run('renameLabels', { labels: names })),
            )
          }
        >
          Rename classes
        </button>
      </div>
      <h3>Score a file</h3>
      <div className="row">
        <label className="field">
          CSV, TSV or JSONL (a text column; labels optional) → scores as CSV
          <input
            type="file"
            accept=".csv,.tsv,.txt,.jsonl,.ndjson,.json,text/csv,text/tab-separated-values,text/plain"
            data-testid="batch-score-file"
            disabled={busy}
            onChange={(ev) => {
              const file = ev.target.files?.[0];
              ev.target.value = '';
              if (!file) return;
              void run(`${file.name} could not be scored`, async () => {
                const r = await client.run('scoreFile', { file });
                const url = URL.createObjectURL(new Blob([r.csv], { type: 'text/csv' }));
                const a = document.createElement('a');
                a.href = url;
                a.download = r.fileName;
                a.click();
                setTimeout(() => URL.revokeObjectURL(url), 10_000);
                setScored(`${r.rows.toLocaleString()} texts scored in ${(r.ms / 1000).toFixed(1)} s → ${r.fileName}`);
              });
            }}
          />
        </label>
      </div>
      {scored && (
        <p className="note" data-testid="scored">
          {scored}
        </p>
      )}
      <ErrorBox error={error} onDismiss={() => setError(undefined)} />
    </>
  );
}
