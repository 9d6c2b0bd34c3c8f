import { DataError, show } from '../errors.ts';

/** Cell value of a JSON field: strings as is, numbers/booleans as text, a one-element array as its element. */
function cell(value: unknown): string {
  let v = value;
  while (Array.isArray(v) && v.length === 1) v = v[0] as unknown; // a loop: [[[…]]] can nest 100,000 deep
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return show(v, Number.MAX_SAFE_INTEGER); // a value nested too deep for JSON.stringify becomes a placeholder
}

/** True when the text looks like JSON Lines (first non-empty line is a JSON object) or a JSON array of objects. */
export function looksLikeJson(text: string): boolean {
  const start = text.trimStart();
  if (start.startsWith('[')) return /^\[\s*\{/.test(start);
  if (!start.startsWith('{')) return false;
  const line = start.slice(0, start.indexOf('\n') >= 0 ? start.indexOf('\n') : undefined).trim();
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** Parses JSONL (one object per line) or a JSON array of objects into columns (union of keys) and string rows. */
export function parseJsonRecords(text: string): { columns: string[]; rows: string[][] } {
  const records: Array<{ obj: Record<string, unknown>; line: number }> = [];
  const start = text.trimStart();
  if (start.startsWith('[')) {
    let arr: unknown;
    try {
      arr = JSON.parse(start);
    } catch (e) {
      throw new DataError(
        `The JSON array is not valid JSON: ${(e as Error).message}`,
        'fix the JSON, or write one object per line (JSONL)',
        { cause: e },
      );
    }
    if (!Array.isArray(arr))
      throw new DataError('Expected a JSON array of objects', 'write one object per line (JSONL)');
    arr.forEach((o, i) => {
      if (typeof o !== 'object' || o === null || Array.isArray(o)) {
        throw new DataError(
          `Element ${i} of the JSON array is not an object`,
          'each example must be an object like {"text": …, "label": …}',
        );
      }
      records.push({ obj: o as Record<string, unknown>, line: i + 1 });
    });
  } else {
    const lines = text.split(/\r?\n/);
    lines.forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch (e) {
        throw new DataError(
          `Line ${i + 1} is not valid JSON: ${(e as Error).message}`,
          'JSONL needs one complete JSON object per line, like {"text": "…", "label": "…"}',
          { cause: e },
        );
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        throw new DataError(
          `Line ${i + 1} is not a JSON object`,
          'each line must be an object like {"text": "…", "label": "…"}',
        );
      }
      records.push({ obj: v as Record<string, unknown>, line: i + 1 });
    });
  }
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const { obj } of records) {
    for (const k of Object.keys(obj)) {
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
    }
  }
  const rows = records.map(({ obj }) => columns.map((k) => cell(obj[k])));
  return { columns, rows };
}
