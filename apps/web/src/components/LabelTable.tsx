import { useEffect, useState } from 'react';
import { client } from '../lib/client-instance';
import type { LabelFilterMsg, LabelItemMsg } from '../worker/protocol-label';
import type { LabelViewProps } from './LabelCard';

const PAGE = 20;

/** The session's texts as a table, 20 at a time, with a class picker per row. */
export function LabelTable({ view, busy, onAct }: LabelViewProps) {
  const [filter, setFilter] = useState<LabelFilterMsg>('unlabelled');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<{ items: LabelItemMsg[]; total: number }>({ items: [], total: 0 });
  useEffect(() => {
    let stale = false;
    client.run('labelPage', { offset, limit: PAGE, filter }).then(
      (p) => !stale && setPage(p),
      () => undefined, // the session is being resumed; the next view refreshes the page
    );
    return () => {
      stale = true;
    };
  }, [view, filter, offset]);
  return (
    <>
      <div className="row">
        <label className="field">
          Show
          <select
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value as LabelFilterMsg);
              setOffset(0);
            }}
          >
            <option value="unlabelled">unlabelled texts</option>
            <option value="labelled">labelled texts</option>
            <option value="all">all texts</option>
          </select>
        </label>
        <span className="note">
          {page.total === 0
            ? 'none'
            : `${offset + 1}–${Math.min(offset + PAGE, page.total)} of ${page.total.toLocaleString()}`}
        </span>
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          Previous
        </button>
        <button type="button" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
          Next
        </button>
      </div>
      <div className="scroll">
        <table aria-label="Texts to label" data-testid="label-table">
          <tbody>
            {page.items.map((it) => (
              <tr key={it.index}>
                <td className="text">{it.text.length > 300 ? `${it.text.slice(0, 300)}…` : it.text}</td>
                <td>
                  <select
                    aria-label={`Label of text ${it.index + 1}`}
                    value={it.label}
                    disabled={busy}
                    onChange={(e) => onAct({ kind: 'label', index: it.index, cls: Number(e.target.value) })}
                  >
                    <option value={-1} disabled>
                      {it.skipped ? 'skipped' : '—'}
                    </option>
                    {view.classes.map((c, i) => (
                      <option key={c} value={i}>
                        {c}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
