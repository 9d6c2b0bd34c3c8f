import { useEffect, useId, useState, type DragEvent } from 'react';
import { PRESETS } from '../lib/presets';
import { formatBytes, formatMs } from '../lib/format';
import { normaliseEndpoint } from '../lib/settings';
import type { ModelSourceMsg } from '../worker/protocol';
import type { ModelState } from '../hooks/useModel';
import { ErrorBox } from './ErrorBox';

interface Props {
  readonly model: ModelState;
  readonly endpoint: string;
  readonly setEndpoint: (e: string) => void;
  readonly onLoad: (source: ModelSourceMsg) => void;
  readonly onRemoveCached: (id: string, revision: string) => void;
  readonly onRefreshCache: () => void;
  readonly onDismiss: () => void;
}

type DirPicker = (opts?: { mode?: 'read' }) => Promise<FileSystemDirectoryHandle>;

/** Step 1: choose a preset, a hub id + revision, or a local folder; see download progress and the cache. */
export function ModelPanel({ model, endpoint, setEndpoint, onLoad, onRemoveCached, onRefreshCache, onDismiss }: Props) {
  const [choice, setChoice] = useState<string>(PRESETS[0]?.key ?? 'custom');
  const [customId, setCustomId] = useState('');
  const [revision, setRevision] = useState('main');
  const [endpointDraft, setEndpointDraft] = useState(endpoint);
  const [dragOver, setDragOver] = useState(false);
  const ids = useId();
  const picker = (globalThis as { showDirectoryPicker?: DirPicker }).showDirectoryPicker;
  const endpointOk = normaliseEndpoint(endpointDraft) !== undefined;

  useEffect(() => {
    onRefreshCache();
  }, [onRefreshCache]);

  const hubId = choice === 'custom' ? customId.trim() : (PRESETS.find((p) => p.key === choice)?.id ?? '');
  const loadHub = () => {
    if (hubId) onLoad({ kind: 'hub', id: hubId, revision: revision.trim() || 'main', endpoint });
  };

  const onDrop = async (ev: DragEvent<HTMLDivElement>) => {
    ev.preventDefault();
    setDragOver(false);
    const items = [...ev.dataTransfer.items].filter((i) => i.kind === 'file');
    type WithHandle = DataTransferItem & { getAsFileSystemHandle?: () => Promise<FileSystemHandle | null> };
    const first = items[0] as WithHandle | undefined;
    if (items.length === 1 && first?.getAsFileSystemHandle) {
      const handle = await first.getAsFileSystemHandle();
      if (handle?.kind === 'directory') {
        onLoad({ kind: 'directory', handle: handle as FileSystemDirectoryHandle });
        return;
      }
    }
    const files = [...ev.dataTransfer.files];
    if (files.length > 0) onLoad({ kind: 'files', files });
  };

  const s = model.summary;
  return (
    <>
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="sr-only">Model preset</legend>
        <div className="presets">
          {PRESETS.map((p) => (
            <label key={p.key}>
              <input
                type="radio"
                name={`${ids}-preset`}
                value={p.key}
                checked={choice === p.key}
                onChange={() => setChoice(p.key)}
              />
              <span>
                {p.name}
                <small>{p.note}</small>
              </span>
            </label>
          ))}
          <label>
            <input
              type="radio"
              name={`${ids}-preset`}
              value="custom"
              checked={choice === 'custom'}
              onChange={() => setChoice('custom')}
            />
            <span>
              Other hub model
              <small>any BERT-family id</small>
            </span>
          </label>
        </div>
      </fieldset>
      <div className="row">
        {choice === 'custom' && (
          <label className="field" style={{ flex: '2 1 260px' }}>
            Hub model id
            <input
              type="text"
              value={customId}
              placeholder="org/model-name"
              onChange={(e) => setCustomId(e.target.value)}
            />
          </label>
        )}
        <label className="field" style={{ flex: '1 1 120px' }}>
          Revision
          <input type="text" value={revision} onChange={(e) => setRevision(e.target.value)} />
        </label>
        <button type="button" className="primary" onClick={loadHub} disabled={model.loading || !hubId}>
          {model.loading ? 'Loading…' : 'Load model'}
        </button>
      </div>
      <details>
        <summary>Model host</summary>
        <div className="row">
          <label className="field" style={{ flex: '1 1 300px' }}>
            Hub endpoint (a HuggingFace mirror also works)
            <input
              type="url"
              value={endpointDraft}
              onChange={(e) => setEndpointDraft(e.target.value)}
              aria-invalid={!endpointOk}
            />
          </label>
          <button
            type="button"
            disabled={!endpointOk}
            onClick={() => setEndpoint(normaliseEndpoint(endpointDraft) ?? endpoint)}
          >
            Use this host
          </button>
        </div>
        <p className="note">
          Now: {endpoint}. Nothing else is contacted; local folders and cached models need no network.
        </p>
      </details>

      <div
        className={`dropzone${dragOver ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragOver(true);
        }}
        onDragLeave={() => setDragOver(false)}
        onDrop={(e) => void onDrop(e)}
      >
        <p style={{ margin: '0 0 6px' }}>
          Offline? Drop a model folder here (config.json, vocab.txt or tokenizer.json, weights), or
        </p>
        <div className="row" style={{ justifyContent: 'center' }}>
          {picker && (
            <button
              type="button"
              disabled={model.loading}
              onClick={() =>
                void picker({ mode: 'read' }).then(
                  (handle) => onLoad({ kind: 'directory', handle }),
                  () => undefined,
                )
              }
            >
              Open folder…
            </button>
          )}
          <label className="field">
            Choose the model folder
            <input
              type="file"
              multiple
              data-testid="model-folder"
              disabled={model.loading}
              ref={(el) => {
                if (el) el.webkitdirectory = true;
              }}
              onChange={(e) => {
                const files = [...(e.target.files ?? [])];
                e.target.value = '';
                if (files.length > 0) onLoad({ kind: 'files', files });
              }}
            />
          </label>
        </div>
      </div>

      <ErrorBox error={model.error} onDismiss={onDismiss} />

      {model.files.length > 0 && (
        <div className="scroll">
          <table aria-label="Model files">
            <thead>
              <tr>
                <th>File</th>
                <th className="num">Size</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {model.files.map((f) => (
                <tr key={f.file}>
                  <td>{f.file}</td>
                  <td className="num">
                    {f.done ? formatBytes(f.total ?? f.loaded) : `${formatBytes(f.loaded)} / ${formatBytes(f.total)}`}
                  </td>
                  <td>
                    {f.fromCache
                      ? 'cached'
                      : f.done
                        ? 'done'
                        : f.total
                          ? `${Math.round((100 * f.loaded) / f.total)} %`
                          : 'downloading'}
                    {!f.done && (
                      <progress value={f.loaded} max={f.total ?? undefined} aria-label={`${f.file} download`} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {s && (
        <div data-testid="model-summary" className="statusbar" style={{ marginTop: 10 }}>
          <span className="badge ok">Loaded</span>
          <b>{s.source}</b>
          {s.revision && <span>@{s.revision}</span>}
          <span>
            {s.layers} layers · {s.hiddenSize} hidden · {s.heads} heads · {s.weightsFormat} · {formatMs(s.loadMs)} ·{' '}
            <span data-testid="inference">{s.inference}</span>
          </span>
          {s.randomInit && (
            <span
              className="badge warn"
              title="Random weights generated for tests: metrics measure the pipeline, not BERT quality"
              data-testid="random-init-badge"
            >
              random-init test model
            </span>
          )}
        </div>
      )}

      {model.cache.length > 0 && (
        <details open>
          <summary>Cached models ({model.cache.length}) — load instantly, no network</summary>
          <table aria-label="Cached models">
            <tbody>
              {model.cache.map((c) => (
                <tr key={`${c.id}@${c.revision}`}>
                  <td>
                    {c.id}@{c.revision}
                  </td>
                  <td className="num">{formatBytes(c.bytes)}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() => onLoad({ kind: 'hub', id: c.id, revision: c.revision, endpoint })}
                    >
                      Load
                    </button>{' '}
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Remove ${c.id} from the cache`}
                      onClick={() => onRemoveCached(c.id, c.revision)}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </>
  );
}
