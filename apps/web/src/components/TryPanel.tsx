import { useEffect, useRef, useState } from 'react';
import { client } from '../lib/client-instance';
import type { Prediction } from '../worker/protocol';
import { toUiError, ErrorBox, type UiError } from './ErrorBox';
import { AddExample } from './ReusePanel';

/** Step 5: classify as you type (debounced), class probabilities as bars. `version` changes with the classifier. */
export function TryPanel({
  version,
  randomInit = false,
  addTo,
}: {
  version: string;
  randomInit?: boolean;
  /** The loaded dataset's labels and how to add the typed text to it (absent: no dataset loaded). */
  addTo?: { labels: readonly string[]; onAdd: (text: string, label: string) => void } | undefined;
}) {
  const [text, setText] = useState('');
  const [pred, setPred] = useState<{ p: Prediction; ms: number } | undefined>(undefined);
  const [error, setError] = useState<UiError | undefined>(undefined);
  const latest = useRef(0);

  useEffect(() => {
    if (!text.trim()) {
      // and a prediction still on its way (a slow one, for the text before) is not shown for the empty box
      latest.current++;
      setPred(undefined);
      return;
    }
    const ticket = ++latest.current;
    const timer = setTimeout(() => {
      client
        .run('predict', { texts: [text] })
        .then((r) => {
          const p = r.predictions[0];
          if (ticket === latest.current && p) {
            setPred({ p, ms: r.ms });
            setError(undefined);
          }
        })
        .catch((e: unknown) => {
          if (ticket === latest.current) setError(toUiError('Could not classify', e));
        });
    }, 200);
    return () => clearTimeout(timer);
  }, [text, version]);

  const entries = pred ? Object.entries(pred.p.scores).sort((a, b) => b[1] - a[1]) : [];
  return (
    <>
      <label className="field">
        Type or paste a text
        <textarea
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Congratulations! You have won a free cruise, call now"
        />
      </label>
      <ErrorBox error={error} />
      {addTo && text.trim() && <AddExample text={text} predicted={pred?.p.label} addTo={addTo} />}
      {pred && (
        <div data-testid="prediction" aria-live="polite">
          <p>
            Prediction: <b data-testid="predicted-label">{pred.p.label}</b>{' '}
            <span className="note">({pred.ms.toFixed(1)} ms)</span>
            {randomInit && (
              <span className="badge warn" data-testid="try-random-init">
                random-init encoder: scores check the pipeline only
              </span>
            )}
          </p>
          <ul className="probs" aria-label="Class probabilities">
            {entries.map(([label, p]) => (
              <li key={label} className={label === pred.p.label ? 'top' : ''}>
                <span>{label}</span>
                <span
                  className="bar"
                  role="meter"
                  aria-label={`${label} probability`}
                  aria-valuemin={0}
                  aria-valuemax={1}
                  aria-valuenow={p}
                >
                  <div style={{ width: `${(p * 100).toFixed(1)}%` }} />
                </span>
                <span className="num" data-testid={`score-${label}`} data-score={p}>
                  {(p * 100).toFixed(1)} %
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
