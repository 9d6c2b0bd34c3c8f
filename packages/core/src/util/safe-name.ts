/**
 * The one path policy for names found INSIDE files (a bundle's manifest.json, head/model.json, a TF.js manifest, a
 * sharded index, zip entries, modules.json): such a name must be a plain relative path, "/"-separated, that can only
 * name a file under the folder / URL / archive it came with. Anything else is refused with UnsafePathError before any
 * read or request. Pure: no Node built-ins, no DOM (URL is a global in browsers, workers and Node).
 */
import { UnsafePathError } from '../errors.ts';

/** Longest name accepted (characters), and longest single segment (common file-system limit). */
export const MAX_NAME_LENGTH = 1024;
export const MAX_SEGMENT_LENGTH = 255;

// C0 controls (NUL included), DEL and C1 controls: never part of a real file name.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why `name` is not a plain relative path, or undefined when it is. */
export function unsafeNameReason(name: unknown): string | undefined {
  if (typeof name !== 'string') return `it is ${name === null ? 'null' : typeof name}, not a string`;
  if (name === '') return 'it is empty';
  if (name.length > MAX_NAME_LENGTH) return `it is longer than ${MAX_NAME_LENGTH} characters`;
  if (CONTROL.test(name)) return 'it contains a control character';
  if (name.includes('\\')) return 'it contains a backslash';
  if (name.startsWith('/')) return 'it is an absolute path';
  if (name.includes(':')) return 'it contains ":" (a URL scheme, drive letter or stream name)';
  for (const segment of name.split('/')) {
    if (segment === '') return 'it has an empty path segment ("//" or a trailing "/")';
    if (segment.length > MAX_SEGMENT_LENGTH) return `a path segment is longer than ${MAX_SEGMENT_LENGTH} characters`;
    if (segment === '.' || segment === '..') return `it has a "${segment}" segment`;
    // Percent-encoded dots or separators become "..", "/" or "\" once the name is used in a URL.
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      /* a malformed escape stays literal: it cannot become a separator */
    }
    if (decoded === '.' || decoded === '..' || /[/\\]/.test(decoded))
      return 'it has a percent-encoded ".", ".." or separator';
  }
  return undefined;
}

/** Returns `name` when it is a plain relative path; throws UnsafePathError naming it and `where` otherwise. */
export function checkRelativeName(name: unknown, where: string): string {
  const reason = unsafeNameReason(name);
  if (reason !== undefined) throw new UnsafePathError(name, where, reason);
  return name as string;
}

/** `base` + "/" + a checked name, for "/"-separated bases (folder paths as the caller writes them, archive prefixes). */
export function joinUnder(base: string, name: unknown, where: string): string {
  const n = checkRelativeName(name, where);
  return base === '' ? n : `${base.replace(/\/+$/, '')}/${n}`;
}

/**
 * The URL of a checked name under a folder URL: each segment percent-encoded ("?" or "#" stay part of the name),
 * and the result verified to start with the base (defence in depth against parser quirks).
 */
export function urlUnder(baseUrl: string, name: unknown, where: string): string {
  const n = checkRelativeName(name, where);
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const href = new URL(n.split('/').map(encodeURIComponent).join('/'), base).href;
  if (!href.startsWith(new URL(base).href)) throw new UnsafePathError(name, where, `it resolves outside ${base}`);
  return href;
}
