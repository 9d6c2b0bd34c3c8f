/**
 * The one place where browser-bert's errors are defined.
 *
 * Every error says what was expected and how to fix it: `message` is one line for a CLI or a toast,
 * `hint` is the fix on its own (the errors about files have a default one), `code` is stable for programs.
 */
export type ErrorCode =
  | 'CONFIG'
  | 'TOKENIZER'
  | 'WEIGHTS'
  | 'WEIGHTS_SHAPE'
  | 'WEIGHTS_MISSING'
  | 'UNSAFE_PICKLE'
  | 'UNSAFE_PATH'
  | 'HUB'
  | 'NOT_FOUND'
  | 'NETWORK'
  | 'DATA'
  | 'TRAINING'
  | 'CANCELLED'
  | 'STORAGE'
  | 'BACKEND'
  | 'EXPORT'
  | 'USAGE';

/**
 * A value from a file, for a message: JSON, at most `max` characters, and never a throw (a value nested 100,000
 * deep makes JSON.stringify overflow the stack; a BigInt makes it throw).
 */
export function show(value: unknown, max = 120): string {
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = Array.isArray(value)
      ? '[a deeply nested list]'
      : typeof value === 'object'
        ? '{a deeply nested object}'
        : String(value);
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Messages stay one line: control characters and line breaks from file contents are escaped, length capped. */
// eslint-disable-next-line no-control-regex -- escaping control characters is the point
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f\u2028\u2029]/g;
function oneLine(s: string): string {
  const escaped = s.replace(CONTROL_OR_BREAK, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > 2000 ? `${escaped.slice(0, 2000)}…` : escaped;
}

export class BrowserBertError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  constructor(code: ErrorCode, message: string, hint = '', options?: { cause?: unknown }) {
    super(hint ? `${oneLine(message)} — ${oneLine(hint)}` : oneLine(message), options);
    this.name = 'BrowserBertError';
    this.code = code;
    this.hint = oneLine(hint);
  }
}

/** A config.json / tokenizer_config.json that we cannot use. */
export class ConfigError extends BrowserBertError {
  constructor(message: string, hint = '', options?: { cause?: unknown }) {
    super('CONFIG', message, hint || 'use the config.json saved with the model (model.save_pretrained)', options);
    this.name = 'ConfigError';
  }
}

export class TokenizerError extends BrowserBertError {
  constructor(message: string, hint = '', options?: { cause?: unknown }) {
    super(
      'TOKENIZER',
      message,
      hint || 'use the tokenizer files saved with the model (tokenizer.json, or vocab.txt with tokenizer_config.json)',
      options,
    );
    this.name = 'TokenizerError';
  }
}

/** A weights file that is malformed, truncated, unsafe or of an unsupported dtype. */
export class WeightsError extends BrowserBertError {
  constructor(message: string, hint = '', options?: { cause?: unknown; code?: ErrorCode }) {
    super(
      options?.code ?? 'WEIGHTS',
      message,
      hint || 'the weights file is damaged or does not belong to this model; download it again',
      options,
    );
    this.name = 'WeightsError';
  }
}

/** A required tensor is absent from a checkpoint. */
export class MissingWeightError extends WeightsError {
  readonly key: string;
  constructor(key: string, where: string) {
    super(
      `Tensor "${key}" is missing from ${where}`,
      'check that the checkpoint is a BERT-family model (BertModel / BertFor* names, with or without the "bert." prefix)',
      { code: 'WEIGHTS_MISSING' },
    );
    this.name = 'MissingWeightError';
    this.key = key;
  }
}

/** A tensor has a shape other than the one config.json implies. Names key, expected and actual. */
export class ShapeMismatchError extends WeightsError {
  readonly key: string;
  readonly expected: readonly number[];
  readonly actual: readonly number[];
  constructor(key: string, expected: readonly number[], actual: readonly number[]) {
    super(
      `Tensor "${key}" has shape [${actual.join(', ')}], expected [${expected.join(', ')}]`,
      'config.json does not match the weights file; use the config.json that was saved with these weights',
      { code: 'WEIGHTS_SHAPE' },
    );
    this.name = 'ShapeMismatchError';
    this.key = key;
    this.expected = expected;
    this.actual = actual;
  }
}

/** A pickle that names a global outside the allow-list. Nothing is ever executed or imported. */
export class UnsafePickleError extends WeightsError {
  readonly global: string;
  constructor(global: string) {
    super(
      `Refusing to load a pickle that references "${global}", which is not a tensor-rebuilding function`,
      'only plain state_dicts of tensors are accepted; re-save the model with safetensors (model.save_pretrained(..., safe_serialization=True))',
      { code: 'UNSAFE_PICKLE' },
    );
    this.name = 'UnsafePickleError';
    this.global = global;
  }
}

/**
 * A file name found inside a model folder, manifest, index or classifier bundle that could reach outside it
 * ("..", an absolute path, a drive letter, a URL, a backslash …). Nothing is read. See util/safe-name.ts.
 */
export class UnsafePathError extends BrowserBertError {
  /** The refused name as found (not necessarily a string). */
  readonly file: unknown;
  /** Where the name came from, e.g. 'head/model.json of the classifier at /tmp/clf'. */
  readonly where: string;
  constructor(file: unknown, where: string, reason: string) {
    super(
      'UNSAFE_PATH',
      `Refusing file name ${show(file, 200)} in ${where}: ${reason}`,
      'names inside a model folder or classifier bundle must be plain relative paths such as "head/weights.bin"; the file was damaged or crafted: get it again from where it came from',
    );
    this.name = 'UnsafePathError';
    this.file = file;
    this.where = where;
  }
}

/**
 * What went wrong with a download or a model source, for programs to act on (never the message text):
 * - `offline`: the host could not be reached at all (no request completed);
 * - `interrupted`: a transfer started and was cut short (nothing was cached);
 * - `timeout`: a request stalled (no bytes for the configured time);
 * - `not-found`: the repo, revision or file does not exist;
 * - `gated`: the server refused access (private or gated repo, bad token);
 * - `too-large`: the file cannot be held in memory here;
 * - `read`: a local file (picked or on disk) could not be read;
 * - `http`: any other HTTP failure.
 */
export type HubErrorKind =
  'offline' | 'interrupted' | 'timeout' | 'not-found' | 'gated' | 'too-large' | 'read' | 'http';

const HUB_CODE: Readonly<Record<HubErrorKind, ErrorCode>> = {
  offline: 'NETWORK',
  interrupted: 'NETWORK',
  timeout: 'NETWORK',
  'not-found': 'NOT_FOUND',
  gated: 'HUB',
  'too-large': 'HUB',
  read: 'HUB',
  http: 'HUB',
};

export class HubError extends BrowserBertError {
  readonly kind: HubErrorKind;
  readonly status: number | undefined;
  readonly url: string | undefined;
  constructor(
    kind: HubErrorKind,
    message: string,
    hint = '',
    options?: { cause?: unknown; status?: number; url?: string },
  ) {
    super(HUB_CODE[kind], message, hint, options);
    this.name = 'HubError';
    this.kind = kind;
    this.status = options?.status;
    this.url = options?.url;
  }
}

/** A dataset we cannot train on; the message says what to fix in the file. */
export class DataError extends BrowserBertError {
  constructor(message: string, hint = '', options?: { cause?: unknown }) {
    super('DATA', message, hint || 'fix the dataset file: one example per row, with a text and a label', options);
    this.name = 'DataError';
  }
}

export class TrainingError extends BrowserBertError {
  constructor(message: string, hint = '', options?: { cause?: unknown }) {
    super('TRAINING', message, hint, options);
    this.name = 'TrainingError';
  }
}

export class StorageError extends BrowserBertError {
  constructor(message: string, hint = '', options?: { cause?: unknown }) {
    super(
      'STORAGE',
      message,
      hint || 'the classifier bundle is damaged or incomplete; save the classifier again',
      options,
    );
    this.name = 'StorageError';
  }
}

/** A classifier was offered an encoder other than the one it was trained on (weights hashes differ). */
export class EncoderMismatchError extends StorageError {
  readonly expectedHash: string;
  readonly actualHash: string;
  constructor(source: string, expectedHash: string, actualHash: string) {
    super(
      `The encoder at ${source} (weights ${actualHash.slice(0, 12)}…) is not the one this classifier was trained on (${expectedHash.slice(0, 12)}…)`,
      'use the same model revision, or save the classifier with the encoder included',
    );
    this.name = 'EncoderMismatchError';
    this.expectedHash = expectedHash;
    this.actualHash = actualHash;
  }
}

export class BackendError extends BrowserBertError {
  constructor(message: string, hint = '', options?: { cause?: unknown }) {
    super('BACKEND', message, hint, options);
    this.name = 'BackendError';
  }
}

/** The caller asked for something this API cannot do (a bad option, an unknown source, a disposed object). */
export class UsageError extends BrowserBertError {
  constructor(message: string, hint = '', options?: { cause?: unknown }) {
    super('USAGE', message, hint, options);
    this.name = 'UsageError';
  }
}

/** A classifier that cannot be exported exactly to the requested format, or a bundle too damaged to export. */
export class ExportError extends BrowserBertError {
  constructor(message: string, hint = '', options?: { cause?: unknown }) {
    super('EXPORT', message, hint, options);
    this.name = 'ExportError';
  }
}

/** Thrown (between batches) when the caller's AbortSignal fires. */
export class CancelledError extends BrowserBertError {
  constructor(message = 'Cancelled') {
    super('CANCELLED', message);
    this.name = 'CancelledError';
  }
}

export function isCancelled(e: unknown): e is CancelledError {
  return e instanceof CancelledError || (e instanceof Error && e.name === 'AbortError');
}

/** Throws CancelledError when the signal has fired; call between batches. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
