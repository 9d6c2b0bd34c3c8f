import { useEffect, useRef, useState } from 'react';
import { client } from '../lib/client-instance';
import { downloadFile } from '../lib/download';
import { formatBytes } from '../lib/format';
import type { ClassifierSummary } from '../worker/protocol';
import type { DeployDTypeMsg, DeployExportMsg, DeployFormatMsg } from '../worker/protocol-label';
import { ErrorBox, toUiError, type UiError } from './ErrorBox';

const FORMATS: readonly { value: DeployFormatMsg; label: string }[] = [
  { value: 'transformersjs', label: 'Transformers.js (config + tokenizer + onnx/model.onnx)' },
  { value: 'onnx', label: 'ONNX Runtime (model.onnx + tokenizer.json + config.json)' },
  { value: 'hf', label: 'Hugging Face (model.safetensors, BertForSequenceClassification)' },
];
const DTYPES: readonly { value: DeployDTypeMsg; label: string }[] = [
  { value: 'float32', label: 'float32 only (exact)' },
  { value: 'float16', label: '+ float16 weights' },
  { value: 'int8', label: '+ int8 weights (ONNX only)' },
];

/**
 * Export for deployment (issue 12): the worker builds the folder with its model card and zips it; the sizes are shown
 * before the download. `version` changes with the active classifier (an older export is dropped).
 */
export function ExportPanel({ active, version }: { active: ClassifierSummary | undefined; version: string }) {
  const [format, setFormat] = useState<DeployFormatMsg>('transformersjs');
  const [dtype, setDtype] = useState<DeployDTypeMsg>('float32');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<DeployExportMsg | undefined>(undefined);
  const [error, setError] = useState<UiError | undefined>(undefined);
  // What the shown result must match: a build started for other choices (or another classifier) is dropped.
  const choice = `${version}|${format}|${dtype}`;
  const current = useRef(choice);
  current.current = choice;
  useEffect(() => {
    setResult(undefined);
    setError(undefined);
  }, [choice]);
  const build = async () => {
    const startedFor = choice;
    setBusy(true);
    setError(undefined);
    try {
      const r = await client.run('exportDeploy', { format, dtype });
      if (current.current === startedFor) setResult(r);
    } catch (e) {
      if (current.current === startedFor) setError(toUiError('This classifier cannot be exported', e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="deploy">
      <h3>Export for deployment</h3>
      <p className="note">
        A folder that standard tools run unchanged — Transformers.js{' '}
        <code>pipeline(&apos;text-classification&apos;)</code>, ONNX Runtime, or the Hugging Face hub — with a model
        card (README.md), as one zip.
      </p>
      <div className="row">
        <label className="field">
          Format
          <select value={format} disabled={busy} onChange={(e) => setFormat(e.target.value as DeployFormatMsg)}>
            {FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Weights
          <select value={dtype} disabled={busy} onChange={(e) => setDtype(e.target.value as DeployDTypeMsg)}>
            {DTYPES.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!active || busy} onClick={() => void build()}>
          {busy ? 'Building…' : 'Build export'}
        </button>
      </div>
      {!active && <p className="note">Train a classifier (or load a saved one) to export it.</p>}
      <ErrorBox error={error} onDismiss={() => setError(undefined)} />
      {result && (
        <div data-testid="deploy-result">
          <div className="scroll">
            <table aria-label="Files of the export">
              <tbody>
                {result.files.map((f) => (
                  <tr key={f.path}>
                    <td>
                      <code>{f.path}</code>
                    </td>
                    <td className="num">{formatBytes(f.bytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul className="note" aria-label="Exactness">
            {result.exactness.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
          <button
            type="button"
            className="primary"
            onClick={() => downloadFile(result.bytes.slice(0), result.fileName, 'application/zip')}
          >
            Download {result.fileName} ({formatBytes(result.bytes.byteLength)})
          </button>
        </div>
      )}
    </div>
  );
}
