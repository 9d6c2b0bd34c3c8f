/** Number formatting for the table. */
import type { Summary } from './stats';

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "1,234 ms [1,200–1,300]" (or seconds when ≥ 10 s). */
export function fmtMs(s: Summary): string {
  if (s.n === 0) return 'n/a';
  if (s.median >= 10_000) return `${fmt(s.median / 1000, 1)} s [${fmt(s.min / 1000, 1)}–${fmt(s.max / 1000, 1)}]`;
  const d = s.median < 10 ? 2 : 0;
  return s.n === 1 ? `${fmt(s.median, d)} ms` : `${fmt(s.median, d)} ms [${fmt(s.min, d)}–${fmt(s.max, d)}]`;
}

export function fmtBytes(b: number): string {
  return `${fmt(b / 1048576, 0)} MB`;
}

export const NA = 'n/a (not implemented yet)';

/** "wall … · cpu …" when a CPU measurement exists. */
export function fmtWallCpu(wall: Summary, cpu: Summary | undefined): string {
  return cpu ? `${fmtMs(wall)} · cpu ${fmtMs(cpu)}` : fmtMs(wall);
}
