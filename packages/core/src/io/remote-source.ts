/**
 * A FileSource over a hub repo: `{endpoint}/{repo}/resolve/{revision}/{file}`, with the cache in front.
 *
 * Cache policy (cache-first snapshot): a file in the cache is used as is, for any revision — so a warm cache works
 * offline and a second load makes no requests. Which optional files a repo lacks is remembered in a small manifest
 * entry after a successful load, so offline loads do not need the network to learn that either. A branch such as
 * "main" can move on: pass `refresh: true` (CLI --refresh) to download again, which still falls back to the cache
 * when the hub cannot be reached; pin a commit sha for reproducible runs.
 */
import { HubError, throwIfAborted } from '../errors.ts';
import { download } from './download.ts';
import { hubFileUrl, type HubRef } from './hub-id.ts';
import type { FileProgress, FileSource, ModelCache } from './types.ts';
import { checkRelativeName } from '../util/safe-name.ts';

export interface HubSourceOptions {
  readonly endpoint: string;
  readonly ref: HubRef;
  readonly token?: string | undefined;
  readonly cache?: ModelCache | undefined;
  readonly refresh?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly fetch?: typeof fetch | undefined;
  /** See SourceOptions.stallTimeoutMs. */
  readonly stallTimeoutMs?: number | undefined;
}

const RETRY_DELAY_MS = 300;

/** Name of the cache entry (next to the repo's files) listing which files a load found and which were absent. */
export const MANIFEST_FILE = '.browser-bert-manifest.json';

interface Manifest {
  readonly present: string[];
  readonly absent: string[];
}

/** A hub repo at a revision. Remote sources record which files they found in the cache on `finish()`. */
export interface HubSource extends FileSource {
  readonly endpoint: string;
  readonly ref: HubRef;
  finish(): Promise<void>;
}

export function isHubSource(s: FileSource): s is HubSource {
  return (s as Partial<HubSource>).ref !== undefined && (s as Partial<HubSource>).endpoint !== undefined;
}

export type UrlSourceOptions = Omit<HubSourceOptions, 'endpoint' | 'ref'>;

/** Joins a folder URL and a repo-relative file name, each segment percent-encoded. */
export function joinUrl(baseUrl: string, file: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${checkRelativeName(file, baseUrl).split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * A model folder served by any static web server (e.g. `browser-bert convert` output): `{baseUrl}/{file}`.
 * Same download, cache and offline behaviour as a hub repo.
 */
export function createUrlSource(baseUrl: string, options: UrlSourceOptions = {}): FileSource {
  const base = baseUrl.replace(/\/+$/, '');
  return createRemoteSource((name) => joinUrl(base, name), { label: base, endpoint: new URL(base).origin }, options);
}

export function createHubSource(options: HubSourceOptions): HubSource {
  const { endpoint, ref } = options;
  const remote = createRemoteSource(
    (name) => hubFileUrl(endpoint, ref, name),
    { label: ref.repo, endpoint, ref },
    options,
  );
  return { ...remote, endpoint, ref };
}

function createRemoteSource(
  urlOf: (name: string) => string,
  where: { readonly label: string; readonly endpoint: string; readonly ref?: HubRef },
  options: UrlSourceOptions,
): FileSource & { finish(): Promise<void> } {
  const { cache, refresh } = options;
  const { endpoint, ref } = where;
  const id = ref ? `${ref.repo}@${ref.revision}` : where.label;
  const present = new Set<string>();
  const absent = new Set<string>();
  let manifest: Promise<Manifest | undefined> | undefined;
  let offline: HubError | undefined;

  const readManifest = (): Promise<Manifest | undefined> =>
    (manifest ??= (async () => {
      const bytes = await cache?.get(urlOf(MANIFEST_FILE)).catch(() => undefined);
      if (!bytes) return undefined;
      try {
        const m = JSON.parse(new TextDecoder().decode(bytes)) as Manifest;
        return Array.isArray(m.present) && Array.isArray(m.absent) ? m : undefined;
      } catch {
        return undefined;
      }
    })());

  async function fromCache(name: string, onProgress?: (p: FileProgress) => void): Promise<Uint8Array | undefined> {
    const bytes = await cache?.get(urlOf(name)).catch(() => undefined);
    if (bytes) {
      onProgress?.({ file: name, loaded: bytes.byteLength, total: bytes.byteLength, done: true, fromCache: true });
    }
    return bytes;
  }

  async function get(name: string, onProgress?: (p: FileProgress) => void): Promise<Uint8Array | undefined> {
    const url = urlOf(name);
    const known = await readManifest();
    if (!refresh) {
      const cached = await fromCache(name, onProgress);
      if (cached) return note(name, cached);
      if (known?.absent.includes(name)) return note(name, undefined);
    }
    if (offline) return offlineFallback(name, known, offline, onProgress);
    let result;
    try {
      result = await downloadWithRetry(url, name, onProgress);
    } catch (e) {
      if (e instanceof HubError && (e.kind === 'offline' || e.kind === 'interrupted' || e.kind === 'timeout')) {
        // Cannot reach the hub, or the transfer broke or stalled: use the cache if it has the answer.
        if (e.kind === 'offline') offline = e;
        return offlineFallback(name, known, e, onProgress);
      }
      throw e;
    }
    if (result.ok) {
      if (cache) await cache.put(url, result.bytes).catch(() => undefined); // a full disk must not fail the load
      return note(name, result.bytes);
    }
    const { status, errorCode } = result;
    if (status === 401 || status === 403 || errorCode === 'GatedRepo') {
      if (errorCode === 'RepoNotFound') throw notFound(status);
      throw new HubError(
        'gated',
        `model ${where.label} is gated or private (HTTP ${status} for ${name})`,
        options.token
          ? 'the token was refused: check it has read access and that you accepted the model’s terms on the hub'
          : 'pass a token (option token, or HF_TOKEN in Node) after accepting the model’s terms on the hub',
        { status, url },
      );
    }
    if (status === 404 || errorCode === 'EntryNotFound') {
      if (errorCode === 'RepoNotFound') throw notFound(status);
      if (errorCode === 'RevisionNotFound' && ref) {
        throw new HubError(
          'not-found',
          `model ${ref.repo} has no revision "${ref.revision}"`,
          'check the branch, tag or commit',
          { status, url },
        );
      }
      return note(name, undefined);
    }
    throw new HubError(
      'http',
      `the hub answered HTTP ${status} for ${name} of ${id}${result.message ? `: ${result.message.split('\n')[0]}` : ''}`,
      'try again later, or download the files and use a local folder',
      { status, url },
    );
  }

  /**
   * One retry, after a short pause, for what is usually transient: a transfer cut midway, HTTP 429 or 5xx.
   * An unreachable host is not retried (that is the offline case).
   */
  async function downloadWithRetry(url: string, name: string, onProgress?: (p: FileProgress) => void) {
    const once = () => download(url, { ...options, endpoint, file: name, onProgress });
    const transient = (status: number) => status === 429 || status >= 500;
    try {
      const first = await once();
      if (first.ok || !transient(first.status)) return first;
    } catch (e) {
      if (!(e instanceof HubError && (e.kind === 'interrupted' || e.kind === 'timeout'))) throw e;
    }
    await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
    throwIfAborted(options.signal);
    return once();
  }

  function notFound(status: number): HubError {
    return new HubError(
      'not-found',
      `model ${where.label} not found at ${endpoint}`,
      'check the id, or that it is public (private models need a token)',
      { status },
    );
  }

  async function offlineFallback(
    name: string,
    known: Manifest | undefined,
    error: HubError,
    onProgress?: (p: FileProgress) => void,
  ): Promise<Uint8Array | undefined> {
    const cached = await fromCache(name, onProgress);
    if (cached) return note(name, cached);
    if (known?.absent.includes(name)) return note(name, undefined);
    throw error;
  }

  function note(name: string, bytes: Uint8Array | undefined): Uint8Array | undefined {
    if (bytes) present.add(name);
    else absent.add(name);
    return bytes;
  }

  return {
    description: where.label,
    revision: ref?.revision,
    get,
    async finish() {
      if (!cache) return;
      // Merge with what earlier loads learnt (a tokenizer-only load must not forget which weights were absent).
      const before = await readManifest();
      const p = new Set([...(before?.present ?? []).filter((n) => !absent.has(n)), ...present]);
      const a = new Set([...(before?.absent ?? []).filter((n) => !present.has(n)), ...absent]);
      const m: Manifest = { present: [...p].sort(), absent: [...a].sort() };
      await cache.put(urlOf(MANIFEST_FILE), new TextEncoder().encode(JSON.stringify(m))).catch(() => undefined);
    },
  };
}
