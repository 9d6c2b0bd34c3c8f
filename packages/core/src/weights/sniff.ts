/** Recognising weight files by their first bytes, and saying clearly what a file is when it is not weights. */
import { WeightsError } from '../errors.ts';

export type SniffedFormat = 'safetensors' | 'torch-zip' | 'torch-legacy';

export function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** A legacy torch.save stream starts with a protocol-2 pickle of the magic number (LONG1 10 bytes). */
export function isPickle(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x80 && b[1]! >= 2 && b[1]! <= 5;
}

/** safetensors: u64 header length that fits in the file, then a JSON object. */
export function isSafetensors(b: Uint8Array): boolean {
  if (b.length < 10) return false;
  const n = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  return n >= 2n && n <= BigInt(b.length - 8) && b[8] === 0x7b;
}

export function sniffFormat(b: Uint8Array): SniffedFormat | undefined {
  if (isZip(b)) return 'torch-zip';
  if (isPickle(b)) return 'torch-legacy';
  if (isSafetensors(b)) return 'safetensors';
  return undefined;
}

/** The error for a file that is not a weights file, saying what it looks like (HTML page, LFS pointer …). */
export function notWeightsError(b: Uint8Array, fileName: string, expected: string): WeightsError {
  const what = `"${fileName}" is not ${expected}`;
  return textFileError(b, what) ?? unknownError(b, what);
}

/** A specific error when the bytes are an empty file, an HTML page, a Git LFS pointer or JSON; else undefined. */
export function textFileError(b: Uint8Array, what: string): WeightsError | undefined {
  if (b.length === 0) {
    return new WeightsError(`${what}: the file is empty`, 'the download probably failed; fetch it again');
  }
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 2048)).replace(/^\uFEFF/, '');
  const trimmed = head.trimStart();
  if (/^<(!doctype\s+html|html|head|body|\?xml)/i.test(trimmed) || /<html[\s>]/i.test(head)) {
    return new WeightsError(
      `${what}: this looks like HTML (a web page); the download probably failed`,
      'check the URL / hub id and your access token, then download the file again',
    );
  }
  if (trimmed.startsWith('version https://git-lfs')) {
    return new WeightsError(
      `${what}: it is a Git LFS pointer, not the weights`,
      'run `git lfs pull` in the cloned repository, or download the file from the hub',
    );
  }
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    return new WeightsError(
      `${what}: it is JSON text (${JSON.stringify(trimmed.slice(0, 80))}…); the server probably sent an error`,
      'check the URL / hub id and download the file again',
    );
  }
  return undefined;
}

function unknownError(b: Uint8Array, what: string): WeightsError {
  const hex = [...b.subarray(0, 8)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
  return new WeightsError(
    `${what}: unrecognised content (first bytes ${hex})`,
    'expected model.safetensors, a torch.save pytorch_model.bin (zip or legacy pickle) or a TF.js model.json; download it again',
  );
}
