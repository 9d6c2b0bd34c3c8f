import { useState } from 'react';
import type { LabelSourceMsg, LabelStoredMsg } from '../worker/protocol-label';
import { BUILTIN } from './DataPanel';

interface Props {
  readonly busy: boolean;
  readonly modelReady: boolean;
  /** Labels the current or stored session holds (starting anew replaces them, after a confirmation). */
  readonly labelsAtStake: number;
  readonly stored: LabelStoredMsg | undefined;
  readonly onStart: (source: LabelSourceMsg, classes: string[]) => void;
  readonly onResume: () => void;
  readonly onExport: (format: 'csv' | 'jsonl') => void;
  readonly onDiscard: () => void;
}

const splitClasses = (s: string) =>
  s
    .split(/[,;\n]/)
    .map((c) => c.trim())
    .filter((c) => c !== '');

/** Where the texts come from and the class names; or the session stored in this browser. */
export function LabelSetup({ busy, modelReady, labelsAtStake, stored, onStart, onResume, onExport, onDiscard }: Props) {
  const [kind, setKind] = useState<'builtin' | 'file' | 'lines'>('builtin');
  const [classes, setClasses] = useState('');
  const [lines, setLines] = useState('');
  const [file, setFile] = useState<File | undefined>(undefined);
  const names = splitClasses(classes);
  const source: LabelSourceMsg | undefined =
    kind === 'builtin'
      ? {
          kind: 'builtin',
          url: BUILTIN.kind === 'builtin' ? BUILTIN.url : '',
          name: 'SpamAssassin e-mails (labels hidden)',
        }
      : kind === 'file'
        ? file && { kind: 'file', file }
        : lines.trim()
          ? { kind: 'lines', text: lines, name: 'pasted texts' }
          : undefined;
  const start = () => {
    if (!source) return;
    if (
      labelsAtStake > 0 &&
      !window.confirm(
        `Start a new labelling session? The current one (${labelsAtStake} labels) will be replaced — export it first to keep it.`,
      )
    )
      return;
    onStart(source, names);
  };
  return (
    <>
      {stored && (
        <div className="stored" data-testid="label-stored">
          <p>
            Stored in this browser: <b>{stored.name}</b> — {stored.labelled} of {stored.size.toLocaleString()} texts
            labelled ({stored.classes.map((c, i) => `${c} ${stored.perClass[i] ?? 0}`).join(', ')}), saved{' '}
            {new Date(stored.savedAt).toLocaleString()}.
          </p>
          <div className="row">
            <button type="button" className="primary" disabled={busy || !modelReady} onClick={onResume}>
              Resume labelling
            </button>
            <button type="button" disabled={busy} onClick={() => onExport('csv')}>
              Export labels (CSV)
            </button>
            <button type="button" disabled={busy} onClick={() => onExport('jsonl')}>
              Export labels (JSONL)
            </button>
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => window.confirm(`Delete the ${stored.labelled} stored labels?`) && onDiscard()}
            >
              Discard
            </button>
          </div>
          {!modelReady && <p className="note">Load the model (step 1) to resume: it embeds the texts.</p>}
        </div>
      )}
      <details open={!stored && labelsAtStake === 0}>
        <summary>Start a new labelling session</summary>
        <fieldset className="row" aria-label="Where the texts come from">
          <label>
            <input type="radio" name="label-source" checked={kind === 'builtin'} onChange={() => setKind('builtin')} />{' '}
            Built-in e-mails, labels hidden
          </label>
          <label>
            <input type="radio" name="label-source" checked={kind === 'file'} onChange={() => setKind('file')} /> A file
            (CSV/TSV/JSONL, label column empty or partly filled; or .txt, one text per line)
          </label>
          <label>
            <input type="radio" name="label-source" checked={kind === 'lines'} onChange={() => setKind('lines')} />{' '}
            Pasted texts, one per line
          </label>
        </fieldset>
        {kind === 'file' && (
          <label className="field">
            File to label
            <input
              type="file"
              data-testid="label-file"
              accept=".csv,.tsv,.txt,.jsonl,.ndjson,.json,text/csv,text/plain"
              onChange={(e) => setFile(e.target.files?.[0])}
            />
          </label>
        )}
        {kind === 'lines' && (
          <label className="field">
            Texts to label
            <textarea rows={5} value={lines} onChange={(e) => setLines(e.target.value)} />
          </label>
        )}
        <label className="field">
          Class names (comma-separated, 2 or more; a file&apos;s own labels are added)
          <input type="text" value={classes} onChange={(e) => setClasses(e.target.value)} placeholder="spam, ham" />
        </label>
        <button type="button" className="primary" disabled={busy || !modelReady || !source} onClick={start}>
          Start labelling
        </button>
        {!modelReady && <span className="note"> Load a model first (step 1).</span>}
      </details>
    </>
  );
}
