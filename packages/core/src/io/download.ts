/**
 * One HTTP download with progress, a length check and clear errors. The bytes are returned only when the body
 * arrived completely; callers cache nothing otherwise.
 */
import { CancelledError, HubError } from '../errors.ts';
import { DEFAULT_STALL_TIMEOUT_MS, startStallWatchdog, StallTimeout, type StallWatchdog } from './stall-watchdog.ts';
import type { FileProgress } from './types.ts';

export interface DownloadOptions {
  readonly file: string;
  readonly endpoint: string;
  readonly token?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly fetch?: typeof fetch | undefined;
  readonly onProgress?: ((p: FileProgress) => void) | undefined;
  /** Fail with HubError 'timeout' when no byte arrives for this long (headers or body). Default 30 s; 0 = never. */
  readonly stallTimeoutMs?: number | undefined;
}

/** The hint of every time-out: how to raise it. */
export const TIMEOUT_HINT =
  'the server stopped sending; nothing was cached — try again, or allow longer stalls with the option stallTimeoutMs (CLI: --timeout MS or BROWSER_BERT_TIMEOUT_MS)';

export type DownloadResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly status: number; readonly errorCode: string | undefined; readonly message: string };

export function offlineError(endpoint: string, url: string, cause: unknown): HubError {
  return new HubError(
    'offline',
    `cannot reach ${endpoint}`,
    'offline? set HF_ENDPOINT to a reachable mirror, or use a local folder with the model files',
    { cause, url },
  );
}

function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (e instanceof Error && e.name === 'AbortError');
}

/** Fetches `url`. Non-2xx statuses are returned (not thrown) so the caller can tell "absent" from "forbidden". */
export async function download(url: string, options: DownloadOptions): Promise<DownloadResult> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const ms = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  const watchdog = startStallWatchdog(ms, options.signal);
  const timeout = (loaded: number | undefined, cause: unknown) =>
    new HubError(
      'timeout',
      `download of ${options.file} stalled: no bytes for ${ms} ms ${loaded === undefined ? 'waiting for the response' : `after ${loaded} bytes`} (${url})`,
      TIMEOUT_HINT,
      { cause, url },
    );
  try {
    let response: Response;
    try {
      response = await watchdog.race(doFetch(url, { headers, signal: watchdog.signal, redirect: 'follow' }));
    } catch (e) {
      if (e instanceof StallTimeout || watchdog.stalled) throw timeout(undefined, e);
      if (isAbort(e, options.signal)) throw new CancelledError('Model download cancelled');
      throw offlineError(options.endpoint, url, e);
    }
    watchdog.kick();
    if (!response.ok) {
      // Drain so the connection can be reused; the body of an error page is small.
      const message = await watchdog.race(response.text()).catch(() => '');
      return {
        ok: false,
        status: response.status,
        errorCode: response.headers.get('x-error-code') ?? undefined,
        message: response.headers.get('x-error-message') ?? message.slice(0, 200),
      };
    }
    const bytes = await readBody(url, response, options, watchdog, timeout);
    return { ok: true, bytes };
  } finally {
    watchdog.stop();
  }
}

/** Content-Length when it describes the bytes we will read (not a compressed transfer size). */
function expectedLength(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  if (encoding && encoding !== 'identity') return undefined;
  const raw = response.headers.get('content-length');
  if (raw === null || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw);
}

async function readBody(
  url: string,
  response: Response,
  options: DownloadOptions,
  watchdog: StallWatchdog,
  timeout: (loaded: number, cause: unknown) => HubError,
): Promise<Uint8Array> {
  const { file, onProgress } = options;
  const total = expectedLength(response);
  const interrupted = (loaded: number, cause?: unknown) =>
    new HubError(
      'interrupted',
      `download of ${file} stopped after ${loaded} of ${total ?? 'unknown'} bytes (${url})`,
      'the transfer ended early (connection lost?); nothing was cached — run it again',
      { cause, url },
    );
  onProgress?.({ file, loaded: 0, total, done: false, fromCache: false });
  if (!response.body) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await watchdog.race(response.arrayBuffer()));
    } catch (e) {
      if (watchdog.stalled) throw timeout(0, e);
      if (isAbort(e, options.signal)) throw new CancelledError('Model download cancelled');
      throw interrupted(0, e);
    }
    check(bytes.byteLength);
    onProgress?.({ file, loaded: bytes.byteLength, total, done: true, fromCache: false });
    return bytes;
  }
  // Preallocate when the size is known (no second copy of a large weights file); grow if the server sends more.
  let buf: Uint8Array;
  try {
    buf = new Uint8Array(total ?? 1 << 16);
  } catch (e) {
    throw new HubError(
      'too-large',
      `${file} is ${total} bytes, too large to hold in memory here`,
      'use a smaller model (bert-tiny, bert-mini, MiniLM) or a float16 bundle from browser-bert convert',
      { cause: e, url },
    );
  }
  let loaded = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await watchdog.race(reader.read());
      } catch (e) {
        if (watchdog.stalled) throw timeout(loaded, e);
        if (isAbort(e, options.signal)) throw new CancelledError('Model download cancelled');
        throw interrupted(loaded, e);
      }
      if (chunk.done) break;
      watchdog.kick();
      const value = chunk.value;
      if (loaded + value.byteLength > buf.byteLength) {
        const grown = new Uint8Array(Math.max(buf.byteLength * 2, loaded + value.byteLength));
        grown.set(buf.subarray(0, loaded));
        buf = grown;
      }
      buf.set(value, loaded);
      loaded += value.byteLength;
      onProgress?.({ file, loaded, total, done: false, fromCache: false });
    }
  } catch (e) {
    // Stop the transfer (a throwing onProgress is how callers cancel too), then report.
    await reader.cancel().catch(() => undefined);
    throw e;
  } finally {
    reader.releaseLock();
  }
  check(loaded);
  const bytes = loaded === buf.byteLength ? buf : buf.slice(0, loaded);
  onProgress?.({ file, loaded, total, done: true, fromCache: false });
  return bytes;

  function check(n: number): void {
    // More bytes than Content-Length can only mean a transparently decompressed body whose encoding header the
    // browser hid from us (CORS); fewer means the transfer was cut short.
    if (total !== undefined && n < total) throw interrupted(n);
  }
}
