import { pct } from '../lib/format';
import type { ClassifierSummary, ReportMsg } from '../worker/protocol';

/** A frozen-encoder run kept by the page (its zip) to compare a later fine-tuned run on the same data and model with. */
export interface FrozenRun {
  /** "dataset … with model …": only runs on the same data and model are compared. */
  readonly from: string;
  readonly bytes: ArrayBuffer;
  readonly summary: ClassifierSummary;
}

/** The frozen run did better on VALIDATION (the split choices are made on; test stays untouched): macro-F1, then accuracy. */
export function betterOnValidation(frozen: ReportMsg | undefined, tuned: ReportMsg): boolean {
  if (!frozen) return false;
  const f = frozen.validation;
  const t = tuned.validation;
  return f.macro_f1 > t.macro_f1 || (f.macro_f1 === t.macro_f1 && f.accuracy > t.accuracy);
}

/** Fine-tuning did worse than the frozen encoder on validation: say so, and offer to keep the frozen classifier. */
export function FrozenBetterWarning(props: {
  frozen: ReportMsg | undefined;
  tuned: ReportMsg | undefined;
  onKeepFrozen: () => void;
  onDismiss: () => void;
}) {
  const { frozen, tuned } = props;
  if (!frozen || !tuned) return null;
  return (
    <div className="badge warn" role="alert" data-testid="frozen-better" style={{ display: 'block', marginTop: 8 }}>
      <p>
        Fine-tuning did worse than the frozen encoder on the validation split (same data and model): macro-F1{' '}
        {pct(tuned.validation.macro_f1)} vs {pct(frozen.validation.macro_f1)}, accuracy {pct(tuned.validation.accuracy)}{' '}
        vs {pct(frozen.validation.accuracy)}. With little data, fine-tuning often underfits or overfits; try more epochs
        or a lower encoder learning rate.
      </p>
      <button type="button" onClick={props.onKeepFrozen}>
        Keep the frozen one
      </button>{' '}
      <button type="button" onClick={props.onDismiss}>
        Keep the fine-tuned one
      </button>
    </div>
  );
}
