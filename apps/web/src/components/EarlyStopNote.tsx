import type { ReportMsg } from '../worker/protocol';

/**
 * What the early stopping did, from the report's record (training.best_epoch / stopped_early / epochs_run and the
 * patience it used): "stopped at epoch 16: validation loss did not improve for 3 epochs; best epoch 12 restored".
 */
export function EarlyStopNote({ report }: { report: ReportMsg }) {
  const t = (report.training ?? {}) as {
    best_epoch?: number;
    stopped_early?: boolean;
    epochs_run?: number;
    epochs?: number;
    earlyStoppingPatience?: number;
  };
  if (t.best_epoch === undefined || t.epochs_run === undefined) return null;
  const text = t.stopped_early
    ? `Stopped at epoch ${t.epochs_run} of ${t.epochs ?? '?'}: validation loss did not improve for ${t.earlyStoppingPatience ?? t.epochs_run - t.best_epoch} epochs; best epoch ${t.best_epoch} restored.`
    : `Ran all ${t.epochs_run} epochs; the head of epoch ${t.best_epoch} (lowest validation loss) is kept.`;
  return (
    <p className="note" data-testid="early-stop" role="status">
      {text}
    </p>
  );
}
