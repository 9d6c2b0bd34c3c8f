import { useState } from 'react';
import { useLabelling } from '../hooks/useLabelling';
import { ErrorBox } from './ErrorBox';
import { LabelCard } from './LabelCard';
import { LabelProgress } from './LabelProgress';
import { LabelSetup } from './LabelSetup';
import { LabelTable } from './LabelTable';
import { ProgressBar } from './ProgressBar';

interface Props {
  /** The worker's backend is initialised. */
  readonly workerReady: boolean;
  readonly modelReady: boolean;
  /** Re-sends backend and model to a restarted worker. */
  readonly prepare: () => Promise<void>;
  /** "Train": the labelled texts (CSV) go on to the normal flow (dataset → train → evaluate → keep). */
  readonly onTrain: (csv: string, name: string, fewShot: boolean) => void;
}

/** Labelling mode (issue 15): label as you go, with suggestions, a learning curve and labels kept in IndexedDB. */
export function LabelPanel({ workerReady, modelReady, prepare, onTrain }: Props) {
  const l = useLabelling(prepare, workerReady, modelReady);
  const { view, stored, busy, progress } = l.state;
  const [mode, setMode] = useState<'card' | 'table'>('card');
  const [example, setExample] = useState('');
  const [exampleClass, setExampleClass] = useState(0);
  const [newClass, setNewClass] = useState('');
  const [fewShot, setFewShot] = useState(false);
  const trainable = view ? view.perClass.filter((n) => n >= 2).length >= 2 : false;

  const train = async () => {
    const r = await l.labelledCsv();
    if (r) onTrain(r.text, `${view?.name ?? 'labels'} — ${r.rows} labelled in this browser`, fewShot);
  };

  return (
    <>
      <LabelSetup
        busy={busy}
        modelReady={modelReady}
        labelsAtStake={view?.labelled ?? stored?.labelled ?? 0}
        stored={view ? undefined : stored}
        onStart={(s, c) => void l.start(s, c)}
        onResume={() => void l.resume()}
        onExport={(f) => void l.exportLabels(f, false)}
        onDiscard={() => void l.discard()}
      />
      {progress && (
        <ProgressBar
          label={progress.stage === 'tokenize' ? 'Tokenize' : 'Embed'}
          done={progress.done}
          total={progress.total}
          etaMs={progress.etaMs}
          note={progress.fromCache ? '(feature cache)' : ''}
        />
      )}
      <ErrorBox error={l.state.error} onDismiss={l.dismiss} />
      {l.state.notice && (
        <p className="note" role="status" data-testid="label-notice">
          {l.state.notice}
        </p>
      )}
      {view && (
        <div data-testid="label-session">
          <h3>
            Labelling <i>{view.name}</i>
          </h3>
          <div className="row" role="group" aria-label="View">
            <label>
              <input type="radio" name="label-mode" checked={mode === 'card'} onChange={() => setMode('card')} /> One at
              a time (keys 1…{Math.min(9, view.classes.length)}, S skip, U undo)
            </label>
            <label>
              <input type="radio" name="label-mode" checked={mode === 'table'} onChange={() => setMode('table')} />{' '}
              Table
            </label>
          </div>
          {mode === 'card' ? (
            <LabelCard view={view} busy={busy} onAct={(a) => void l.act(a)} />
          ) : (
            <LabelTable view={view} busy={busy} onAct={(a) => void l.act(a)} />
          )}
          <details>
            <summary>Type a new example or add a class</summary>
            <div className="row">
              <label className="field grow">
                New example
                <textarea rows={2} value={example} onChange={(e) => setExample(e.target.value)} />
              </label>
              <label className="field">
                Its class
                <select value={exampleClass} onChange={(e) => setExampleClass(Number(e.target.value))}>
                  {view.classes.map((c, i) => (
                    <option key={c} value={i}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                disabled={busy || !example.trim()}
                onClick={() =>
                  // the text is cleared only once it is stored
                  void l.act({ kind: 'add', text: example, cls: exampleClass }).then((ok) => ok && setExample(''))
                }
              >
                Add example
              </button>
            </div>
            <div className="row">
              <label className="field">
                New class name
                <input type="text" value={newClass} onChange={(e) => setNewClass(e.target.value)} />
              </label>
              <button
                type="button"
                disabled={busy || !newClass.trim()}
                onClick={() => void l.act({ kind: 'addClass', name: newClass }).then((ok) => ok && setNewClass(''))}
              >
                Add class
              </button>
            </div>
          </details>
          <h3>Progress</h3>
          <LabelProgress view={view} />
          <div className="row">
            <button
              type="button"
              disabled={busy || view.labelled === 0}
              onClick={() => void l.act({ kind: 'retrain' })}
            >
              Retrain now
            </button>
            <button type="button" disabled={busy} onClick={() => void l.exportLabels('csv', false)}>
              Export labels (CSV)
            </button>
            <button type="button" disabled={busy} onClick={() => void l.exportLabels('jsonl', false)}>
              Export labels (JSONL)
            </button>
            <label className="field">
              Load labels (CSV/JSONL)
              <input
                type="file"
                data-testid="label-import"
                accept=".csv,.tsv,.txt,.jsonl,.ndjson,.json,text/csv,text/plain"
                disabled={busy}
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file) void l.importFile(file);
                }}
              />
            </label>
          </div>
          <h3>Train</h3>
          <div className="row">
            <label>
              <input type="checkbox" checked={fewShot} onChange={(e) => setFewShot(e.target.checked)} /> Few-shot
              (SetFit-style: tune the encoder&apos;s top layers on pairs of your examples, then the head; best with few
              labels per class, slower)
            </label>
          </div>
          <button type="button" className="primary" disabled={busy || !trainable} onClick={() => void train()}>
            Train on {view.labelled} labelled texts
          </button>
          {!trainable && <span className="note"> Needs 2 classes with 2 labels or more.</span>}
          <p className="note">
            Labels are stored in this browser as you make them (they survive a reload); export them to keep a copy.
          </p>
        </div>
      )}
    </>
  );
}
