import { useState } from 'react';
import type { DatasetSourceMsg, DatasetOptionsMsg } from '../worker/protocol';
import type { DatasetState } from '../hooks/useDataset';
import { ErrorBox, forThePage } from './ErrorBox';

interface Props {
  readonly data: DatasetState;
  readonly onLoad: (source: DatasetSourceMsg, options?: DatasetOptionsMsg) => void;
  readonly onDismiss: () => void;
}

export const BUILTIN: DatasetSourceMsg = {
  kind: 'builtin',
  // Absolute: the worker resolves relative URLs against its own script's folder.
  url: new URL('data/spam-assassin.jsonl', document.baseURI).href,
  name: 'SpamAssassin e-mails (built-in)',
};

/** Step 2: built-in data, a file or pasted text; columns, class counts, duplicates, warnings and a preview. */
export function DataPanel({ data, onLoad, onDismiss }: Props) {
  const [pasted, setPasted] = useState('');
  const s = data.summary;
  const reparse = (opts: DatasetOptionsMsg) => {
    if (data.source) onLoad(data.source, { ...data.options, ...opts });
  };
  return (
    <>
      <div className="row">
        <button type="button" className="primary" disabled={data.loading} onClick={() => onLoad(BUILTIN)}>
          Use the built-in e-mails
        </button>
        <span className="note">6,046 SpamAssassin e-mails (spam / ham), bundled with the app: works offline.</span>
      </div>
      <div className="row">
        <label className="field">
          Upload CSV, TSV or JSONL
          <input
            type="file"
            accept=".csv,.tsv,.txt,.jsonl,.ndjson,.json,text/csv,text/tab-separated-values,text/plain"
            data-testid="dataset-file"
            disabled={data.loading}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) onLoad({ kind: 'file', file });
            }}
          />
        </label>
      </div>
      <details>
        <summary>…or paste rows</summary>
        <label className="field">
          Pasted data (CSV/TSV with a header, or one JSON object per line)
          <textarea
            rows={5}
            value={pasted}
            onChange={(e) => setPasted(e.target.value)}
            placeholder={'label\ttext\nspam\tWIN a prize now!\nham\tSee you at 6?'}
          />
        </label>
        <button
          type="button"
          disabled={data.loading || !pasted.trim()}
          onClick={() => onLoad({ kind: 'text', text: pasted, name: 'pasted rows' })}
        >
          Use pasted rows
        </button>
      </details>
      {data.loading && <p className="note">Reading the data…</p>}
      <ErrorBox error={data.error} onDismiss={onDismiss} />
      {data.error && s && (
        <p className="note" role="status" data-testid="dataset-kept">
          Still loaded: <b>{s.name}</b> ({s.rows.toLocaleString()} rows) — training uses it.
        </p>
      )}
      {s && (
        <div data-testid="dataset-summary">
          <p>
            <b>{s.name}</b> — {s.rows.toLocaleString()} rows ({s.format}), {s.duplicates.toLocaleString()} duplicate
            texts (removed before splitting){s.rowsSkipped > 0 ? `, ${s.rowsSkipped} rows skipped` : ''}
            {s.added ? `, ${s.added} added from the Try step` : ''}.
          </p>
          {s.columns.length > 1 && (
            <div className="row">
              <label className="field">
                Text column
                <select
                  value={s.textColumn}
                  disabled={data.loading}
                  onChange={(e) => reparse({ textColumn: e.target.value })}
                >
                  {s.columns.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              </label>
              <label className="field">
                Label column
                <select
                  value={s.labelColumn}
                  disabled={data.loading}
                  onChange={(e) => reparse({ labelColumn: e.target.value })}
                >
                  {s.columns.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              </label>
            </div>
          )}
          <div className="kpis" aria-label="Class counts">
            {s.classCounts.map((c) => (
              <div className="kpi" key={c.label}>
                <b>{c.count.toLocaleString()}</b>
                <span>{c.label}</span>
              </div>
            ))}
          </div>
          {s.warnings.length > 0 && (
            <ul className="warnings" aria-label="Warnings">
              {s.warnings.map((w, i) => (
                <li key={i}>{forThePage(w)}</li>
              ))}
            </ul>
          )}
          <details>
            <summary>Preview ({s.preview.length} rows)</summary>
            <div className="scroll preview">
              <table aria-label="Dataset preview">
                <thead>
                  <tr>
                    <th>{s.labelColumn}</th>
                    <th>{s.textColumn}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.preview.map((r, i) => (
                    <tr key={i}>
                      <td>{r.label}</td>
                      <td className="text">{r.text}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </div>
      )}
    </>
  );
}
