import { DataError } from '../errors';

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

/**
 * Turns a dataset file's bytes (or text) into a string, rejecting binary files with a DataError.
 * UTF-8 (BOM stripped) and UTF-16 with a BOM are accepted; NUL bytes, invalid UTF-8 and known binary
 * signatures are rejected.
 */
export function decodeText(input: string | Uint8Array, fileName?: string): string {
  let text: string;
  if (typeof input === 'string') {
    for (const sig of SIGNATURES) {
      if (sig.bytes[0] !== 0x00 && startsWith(headBytes(input), sig.bytes))
        throw notText(`it looks like ${sig.name}`, fileName);
    }
    text = input;
  } else {
    if (input[0] === 0xff && input[1] === 0xfe) text = new TextDecoder('utf-16le').decode(input.subarray(2));
    else if (input[0] === 0xfe && input[1] === 0xff) text = new TextDecoder('utf-16be').decode(input.subarray(2));
    else {
      for (const sig of SIGNATURES) {
        if (startsWith(input, sig.bytes)) throw notText(`it starts like ${sig.name}`, fileName);
      }
      const nul = input.indexOf(0);
      if (nul >= 0) throw notText(`it contains a NUL byte at offset ${nul}`, fileName);
      try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
      } catch (e) {
        throw new DataError(
          `${fileName ? `"${fileName}"` : 'The input'} is not a text dataset (it is not valid UTF-8)`,
          'if it is a text file in another encoding (e.g. Latin-1 / Windows-1252), re-save it as UTF-8',
          { cause: e },
        );
      }
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw notText(`it contains a NUL character at position ${nul}`, fileName);
  // Text decoded elsewhere with replacement characters, or binary read as text: mostly U+FFFD / C0 controls.
  const sample = text.slice(0, 65536);
  let bad = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0xfffd || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c)) bad++;
  }
  if (sample.length >= 16 && bad / sample.length > 0.1) {
    throw notText(
      `${Math.round((100 * bad) / sample.length)} % of its characters are control or replacement characters`,
      fileName,
    );
  }
  return text;
}
