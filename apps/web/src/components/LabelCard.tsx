import { useEffect, useRef } from 'react';
import type { LabelActionMsg, LabelViewMsg } from '../worker/protocol-label';

const REASON: Record<string, string> = {
  uncertain: 'the current model is unsure about it',
  diverse: 'it is unlike everything labelled so far',
  'cold-start': 'random pick while the first labels come in',
  explore: 'random pick, so the labels keep seeing the whole pool',
  random: 'random pick',
};

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

/** What the labelling views get: the session as shown, whether an action is running, and how to act. */
export interface LabelViewProps {
  view: LabelViewMsg;
  busy: boolean;
  onAct: (a: LabelActionMsg) => void;
}

/** One text at a time: keys 1…9 label it, S skips, U undoes; "why this one" shows the model's current scores. */
export function LabelCard({ view, busy, onAct }: LabelViewProps) {
  const next = view.suggestions[0];
  const keys = useRef({ next, busy, view, onAct });
  keys.current = { next, busy, view, onAct };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const { next: n, busy: b, view: v, onAct: act } = keys.current;
      if (b) return;
      const k = e.key.toLowerCase();
      if (k === 'u' && v.canUndo) act({ kind: 'undo' });
      else if (!n) return;
      else if (k === 's') act({ kind: 'skip', index: n.index });
      else if (/^[1-9]$/.test(k) && Number(k) <= v.classes.length)
        act({ kind: 'label', index: n.index, cls: Number(k) - 1 });
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!next) {
    return (
      <p className="note" data-testid="label-card-empty">
        Every text is labelled or skipped. {view.canUndo ? 'Press U to undo the last one.' : ''}
      </p>
    );
  }
  return (
    <div className="label-card" data-testid="label-card" data-index={next.index} aria-busy={busy}>
      <p className="text" data-testid="label-text">
        {next.text}
      </p>
      <p className="note" data-testid="why">
        Why this one: {REASON[next.reason] ?? next.reason}
        {next.scores
          ? ` — current scores ${next.scores.map((p, i) => `${view.classes[i]} ${(p * 100).toFixed(0)} %`).join(' · ')}`
          : ''}
      </p>
      <div className="row" role="group" aria-label="Label this text">
        {view.classes.map((c, i) => (
          <button
            key={c}
            type="button"
            disabled={busy}
            onClick={() => onAct({ kind: 'label', index: next.index, cls: i })}
            aria-keyshortcuts={i < 9 ? String(i + 1) : undefined}
          >
            {i < 9 && <kbd>{i + 1}</kbd>} {c}
          </button>
        ))}
        <button
          type="button"
          disabled={busy}
          onClick={() => onAct({ kind: 'skip', index: next.index })}
          aria-keyshortcuts="S"
        >
          <kbd>S</kbd> skip
        </button>
        <button
          type="button"
          disabled={busy || !view.canUndo}
          onClick={() => onAct({ kind: 'undo' })}
          aria-keyshortcuts="U"
        >
          <kbd>U</kbd> undo
        </button>
      </div>
      {view.suggestions.length > 1 && (
        <details>
          <summary>Up next ({view.suggestions.length - 1})</summary>
          <ul className="up-next">
            {view.suggestions.slice(1).map((s) => (
              <li key={s.index} className="text">
                {s.text.length > 200 ? `${s.text.slice(0, 200)}…` : s.text}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
