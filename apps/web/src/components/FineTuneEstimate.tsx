import { useState } from 'react';
import { client } from '../lib/client-instance';
import { formatMs } from '../lib/format';
import { formatEta } from '../lib/eta';
import type { TrainOptionsMsg } from '../worker/protocol';
import { ErrorBox, toUiError, type UiError } from './ErrorBox';

/** Before a fine-tune starts: how long its epochs will take, measured by a short probe in the worker. */
export function FineTuneEstimate({ options, disabled }: { options: TrainOptionsMsg; disabled: boolean }) {
  const [result, setResult] = useState<{ text: string; basis: string; key: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | undefined>(undefined);
  const key = JSON.stringify(options);
  const probe = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await client.run('estimate', { options });
      setResult({ text: formatEta(r.totalMs, r.spreadMs, formatMs), basis: r.basis, key });
    } catch (e) {
      setError(toUiError('The time could not be estimated', e));
    } finally {
      setBusy(false);
    }
  };
  const current = result?.key === key ? result : undefined;
  return (
    <div className="row" data-testid="fine-tune-estimate">
      <button type="button" disabled={disabled || busy} onClick={() => void probe()}>
        {busy ? 'Measuring…' : 'Estimate fine-tuning time'}
      </button>
      {current && (
        <span className="note" data-testid="estimate-result">
          Fine-tuning epochs: {current.text} ({current.basis}; early stopping may end sooner).
        </span>
      )}
      {!current && !busy && (
        <span className="note">Fine-tuning runs the encoder backwards too: measure it before you start.</span>
      )}
      <ErrorBox error={error} onDismiss={() => setError(undefined)} />
    </div>
  );
}
