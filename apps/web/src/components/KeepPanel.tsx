import { useEffect, useState } from 'react';
import type { ClassifierSummary, SavedClassifierMsg } from '../worker/protocol';
import { EncoderChoice, OpenZip, useBundleSizes } from './EncoderChoice';
import { formatBytes } from '../lib/format';
import { siteSnippets } from '../lib/site-snippet';
import { ErrorBox, type UiError } from './ErrorBox';

interface Props {
  readonly active: ClassifierSummary | undefined;
  readonly saved: readonly SavedClassifierMsg[];
  readonly busy: boolean;
  readonly error: UiError | undefined;
  readonly clfVersion: number;
  readonly onSave: (name: string, includeEncoder: boolean) => void;
  readonly onLoad: (name: string) => void;
  readonly onDelete: (name: string) => void;
  readonly onDownload: (includeEncoder: boolean) => void;
  readonly onOpenZip: (file: File) => void;
  readonly onDismiss: () => void;
}

/** Step 6: save to IndexedDB, list / load / delete, download the bundle, and the embed snippet. */
export function KeepPanel(props: Props) {
  const { active, saved, busy, error, onSave, onLoad, onDelete, onDownload, onDismiss } = props;
  const [name, setName] = useState('my-classifier');
  const [includeEncoder, setIncludeEncoder] = useState(true);
  const sizes = useBundleSizes(active ? props.clfVersion : undefined);
  const canHeadOnly = sizes?.headOnly !== undefined;
  const include = includeEncoder || !canHeadOnly;
  useEffect(() => {
    if (active?.name) setName(active.name);
  }, [active?.name]);
  const validName = /^[\w.-]{1,64}$/.test(name);
  return (
    <>
      {active ? (
        <p data-testid="active-classifier">
          Active classifier: <b>{active.name ?? 'just trained (not saved yet)'}</b> — labels {active.labels.join(', ')},
          encoder {active.encoderSource}
          {active.randomInit && <span className="badge warn"> random-init test model</span>}
        </p>
      ) : (
        <p className="note">Train a classifier (or load a saved one) to keep it.</p>
      )}
      <div className="row">
        <label className="field">
          Name
          <input type="text" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!validName} />
          <span className="help">letters, digits, - _ . (max 64)</span>
        </label>
        <button
          type="button"
          className="primary"
          disabled={!active || busy || !validName}
          onClick={() => onSave(name, include)}
        >
          Save in this browser
        </button>
        <button type="button" disabled={!active || busy} onClick={() => onDownload(include)}>
          Download bundle (.zip)
        </button>
      </div>
      {active && (
        <EncoderChoice sizes={sizes} include={include} canHeadOnly={canHeadOnly} onChange={setIncludeEncoder} />
      )}
      <OpenZip busy={busy} onOpen={props.onOpenZip} />
      <ErrorBox error={error} onDismiss={onDismiss} />
      <h3>Saved in this browser ({saved.length})</h3>
      {saved.length === 0 ? (
        <p className="note">Nothing saved yet. Saved classifiers stay after a reload (IndexedDB, this site only).</p>
      ) : (
        <div className="scroll">
          <table aria-label="Saved classifiers" data-testid="saved-list">
            <tbody>
              {saved.map((s) => (
                <tr key={s.name}>
                  <td>
                    <b>{s.name}</b>
                    <div className="note">
                      {s.labels.join(' / ')} · {s.encoderSource}
                      {s.savedAt ? ` · ${new Date(s.savedAt).toLocaleString()}` : ''}
                      {s.bytes !== undefined ? ` · ${formatBytes(s.bytes)}` : ''}
                    </div>
                  </td>
                  <td style={{ whiteSpace: 'nowrap' }}>
                    <button type="button" disabled={busy} onClick={() => onLoad(s.name)} aria-label={`Load ${s.name}`}>
                      Load
                    </button>{' '}
                    <button
                      type="button"
                      className="danger"
                      disabled={busy}
                      onClick={() => onDelete(s.name)}
                      aria-label={`Delete ${s.name}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Use it on your site</h3>
      <p className="note">
        <code>@browser-bert/classify</code> runs the downloaded classifier on any page, without TF.js (53 KB gzipped).
      </p>
      <pre className="snippet" data-testid="snippet-bundler">
        <code>{siteSnippets(validName ? name : 'my-classifier').bundler}</code>
      </pre>
      <p className="note">Without a bundler:</p>
      <pre className="snippet" data-testid="snippet-page">
        <code>{siteSnippets(validName ? name : 'my-classifier').page}</code>
      </pre>
    </>
  );
}
