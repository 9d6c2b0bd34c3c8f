import { WorkerError } from '../worker/client';

/** An error as shown to the user: what happened and what to do about it. */
export interface UiError {
  readonly title: string;
  readonly message: string;
  readonly hint: string;
  readonly code: string;
}

const ADVICE: Record<string, string> = {
  NOT_FOUND: 'Check the model id and revision (e.g. google/bert_uncased_L-2_H-128_A-2, revision main).',
  NETWORK: 'You seem to be offline or the model host is unreachable: use a cached model or open a local model folder.',
  OOM: 'The browser ran out of memory: try a smaller model, a smaller batch size or fewer texts.',
  WEIGHTS: 'The weights file is damaged or not a supported format: download it again or pick another model.',
  DATA: 'Fix the file (or choose other text/label columns) and load it again; your previous dataset is kept.',
};

/** The library words some hints for its CLI; say the same in terms of this page. */
export function forThePage(text: string): string {
  return text
    .replace(/--text-col\/--label-col/g, 'the Text column and Label column pickers')
    .replace(/set HF_ENDPOINT to a reachable mirror/g, 'set a reachable mirror under "Model host"')
    .replace(/--label-col/g, 'the Label column picker')
    .replace(/--text-col/g, 'the Text column picker')
    .replace(/--pooling/g, 'the Pooling setting');
}

export function toUiError(title: string, e: unknown): UiError {
  if (e instanceof WorkerError) {
    const advice = ADVICE[e.code] ?? '';
    return { title, message: forThePage(e.message), hint: forThePage(e.hint || advice), code: e.code };
  }
  const msg = e instanceof Error ? e.message : String(e);
  return { title, message: msg, hint: '', code: 'INTERNAL' };
}

export function ErrorBox({ error, onDismiss }: { error: UiError | undefined; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <div className="error" role="alert" data-testid="error" data-code={error.code}>
      <strong>{error.title}</strong>
      <p>{error.message}</p>
      {error.hint && !error.message.includes(error.hint) && (
        <p>
          <b>What to do:</b> {error.hint}
        </p>
      )}
      {onDismiss && (
        <button type="button" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
