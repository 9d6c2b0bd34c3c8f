/** Prints rows of several environments side by side. */
import type { Row } from '../suite/types';

export interface Column {
  readonly title: string;
  readonly rows: readonly Row[];
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function renderTable(columns: readonly Column[]): string {
  const order: { section: string; key: string; name: string }[] = [];
  const seen = new Set<string>();
  for (const c of columns)
    for (const r of c.rows) {
      const k = `${r.section}|${r.key ?? r.name}`;
      if (!seen.has(k)) {
        seen.add(k);
        order.push({ section: r.section, key: r.key ?? r.name, name: r.name });
      }
    }
  const cell = (c: Column, section: string, key: string): string =>
    c.rows.find((r) => r.section === section && (r.key ?? r.name) === key)?.display ?? '–';
  const nameW = Math.min(70, Math.max(20, ...order.map((o) => o.name.length)));
  const colW = columns.map((c) =>
    Math.min(60, Math.max(c.title.length, ...order.map((o) => cell(c, o.section, o.key).length))),
  );
  const lines: string[] = [];
  const header = `${pad('measurement', nameW)} | ${columns.map((c, i) => pad(c.title, colW[i]!)).join(' | ')}`;
  lines.push(header, '-'.repeat(header.length));
  let last = '';
  for (const o of order) {
    if (o.section !== last) {
      lines.push(`[${o.section}]`);
      last = o.section;
    }
    const name = o.name.length > nameW ? o.name.slice(0, nameW - 1) + '…' : o.name;
    lines.push(
      `${pad(name, nameW)} | ${columns
        .map((c) => cell(c, o.section, o.key))
        .map((s, i) => pad(s, colW[i]!))
        .join(' | ')}`,
    );
  }
  return lines.join('\n');
}
