import { formatMs } from '../lib/format';
import { formatEta } from '../lib/eta';

export function ProgressBar(props: {
  label: string;
  done: number;
  total: number;
  etaMs?: number | undefined;
  etaSpreadMs?: number | undefined;
  note?: string;
  /** The run is over: no time left or "estimating" (a bar short of its total ended early). */
  ended?: boolean | undefined;
}) {
  const frac = props.total > 0 ? Math.min(1, props.done / props.total) : 0;
  return (
    <div className="progress">
      <div className="meta">
        <span>
          {props.label} {props.note}
        </span>
        <span>
          {Math.floor(props.done)}/{props.total}
          {!props.ended && frac < 1 && props.etaMs !== undefined
            ? ` · ${formatEta(props.etaMs, props.etaSpreadMs, formatMs)} left`
            : ''}
          {!props.ended && frac < 1 && props.etaMs === undefined && props.done > 0 ? ' · estimating time left…' : ''}
          {props.ended && frac < 1 ? ' · ended here' : ''}
        </span>
      </div>
      <div
        className="bar"
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={props.total}
        aria-valuenow={props.done}
      >
        <div style={{ width: `${(frac * 100).toFixed(1)}%` }} />
      </div>
    </div>
  );
}
