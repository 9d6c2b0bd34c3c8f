import { DataError } from '../errors.ts';

/** Magic numbers of common binary files people pick by mistake (zip covers .xlsx/.docx/.ods). */
const SIGNATURES: ReadonlyArray<{ name: string; bytes: readonly number[] }> = [
  { name: 'a zip archive (or .xlsx/.docx/.ods)', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'an empty zip archive', bytes: [0x50, 0x4b, 0x05, 0x06] },
  { name: 'a gzip archive', bytes: [0x1f, 0x8b] },
  { name: 'a 7z archive', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: 'a PNG image', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'a JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { name: 'a GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'a PDF document', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { name: 'a RIFF (WebP/WAV/AVI) file', bytes: [0x52, 0x49, 0x46, 0x46] },
  { name: 'an old Excel/Word (OLE2) file', bytes: [0xd0, 0xcf, 0x11, 0xe0] },
  { name: 'a WebAssembly module', bytes: [0x00, 0x61, 0x73, 0x6d] },
  { name: 'a Parquet file', bytes: [0x50, 0x41, 0x52, 0x31] },
];

function notText(what: string, fileName: string | undefined): DataError {
  const name = fileName ? `"${fileName}"` : 'The input';
  return new DataError(
    `${name} is not a text dataset (${what})`,
    'give a UTF-8 CSV, TSV or JSONL file with one example per row (export spreadsheets as CSV first)',
  );
}

function startsWith(bytes: Uint8Array, sig: readonly number[]): boolean {
  if (bytes.length < sig.length) return false;
  return sig.every((b, i) => bytes[i] === b);
}

/** The first code unit of a string as bytes (for signature checks on already-decoded text). */
function headBytes(text: string): Uint8Array {
  const head = text.slice(0, 8);
  const out = new Uint8Array(head.length);
  for (let i = 0; i < head.length; i++) out[i] = head.charCodeAt(i) & 0xff;
  return out;
}

/** Fraction of C0/C1 control characters (other than tab, line breaks, form feed) and U+FFFD in the text. */
function controlRatio(text: string): number {
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || (c >= 0x80 && c <= 0x9f) || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c))
      bad++;
  }
  return text.length === 0 ? 0 : bad / text.length;
}

/**
 * Turns a dataset file's bytes (or text) into a string, rejecting binary files with a DataError.
 * UTF-8 (BOM stripped) and UTF-16 with a BOM are accepted, and Windows-1252 when the bytes are not UTF-8 but read
 * as clean text (a note is pushed to `warnings`); NUL bytes, other invalid UTF-8, mostly-control-character text
 * and known binary signatures are rejected.
 */
export function decodeText(input: string | Uint8Array, fileName?: string, warnings?: string[]): string {
  const name = fileName ? `"${fileName}"` : 'The input';
  let text: string;
  if (typeof input === 'string') {
    for (const sig of SIGNATURES) {
      if (sig.bytes[0] !== 0x00 && startsWith(headBytes(input), sig.bytes))
        throw notText(`it looks like ${sig.name}`, fileName);
    }
    text = input;
  } else if (input[0] === 0xff && input[1] === 0xfe) {
    text = new TextDecoder('utf-16le').decode(input.subarray(2));
  } else if (input[0] === 0xfe && input[1] === 0xff) {
    text = new TextDecoder('utf-16be').decode(input.subarray(2));
  } else {
    for (const sig of SIGNATURES) {
      if (startsWith(input, sig.bytes)) throw notText(`it starts like ${sig.name}`, fileName);
    }
    const nul = input.indexOf(0);
    if (nul >= 0) throw notText(`it contains a NUL byte at offset ${nul}`, fileName);
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
    } catch (e) {
      // Many CSV exports (e.g. Kaggle's spam.csv) are Windows-1252: accept them when they read as clean text.
      const legacy = new TextDecoder('windows-1252').decode(input);
      if (controlRatio(legacy) > 0.001) {
        throw new DataError(
          `${name} is not a text dataset (it is not valid UTF-8, nor clean Windows-1252 text)`,
          'give a UTF-8 CSV, TSV or JSONL file; if it is text in another encoding, re-save it as UTF-8',
          { cause: e },
        );
      }
      text = legacy;
      warnings?.push(
        'the file is not valid UTF-8; it was read as Windows-1252 (Latin-1) — re-save it as UTF-8 to be sure',
      );
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw notText(`it contains a NUL character at position ${nul}`, fileName);
  // Binary read as text elsewhere: mostly U+FFFD / control characters.
  const sample = text.slice(0, 65536);
  const ratio = controlRatio(sample);
  if (sample.length >= 16 && ratio > 0.1) {
    throw notText(`${Math.round(100 * ratio)} % of its characters are control or replacement characters`, fileName);
  }
  return text;
}
