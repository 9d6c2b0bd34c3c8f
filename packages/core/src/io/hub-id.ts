/** Parsing of model sources: hub ids (`org/name[@revision]`, `{ hub, revision }`) and hub file URLs. */
import { UsageError } from '../errors.ts';
import { checkRelativeName } from '../util/safe-name.ts';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';
export const DEFAULT_REVISION = 'main';

export interface HubRef {
  readonly repo: string;
  readonly revision: string;
}

// HF repo ids: an optional namespace and a name, each of letters, digits, "-", "_", "." (not starting with "." or "-").
const REPO_ID = /^(?:[A-Za-z0-9_][\w.-]{0,95}\/)?[A-Za-z0-9_][\w.-]{0,95}$/;

export function isHubId(id: string): boolean {
  const at = id.indexOf('@');
  const repo = at < 0 ? id : id.slice(0, at);
  return REPO_ID.test(repo) && !repo.includes('..') && !repo.endsWith('.');
}

/**
 * Parses `org/name`, `org/name@revision` (revision may itself contain "/", e.g. refs/pr/1). A revision in the id and
 * a different one in the options is a usage error rather than a silent choice.
 */
export function parseHubId(id: string, revision?: string): HubRef {
  const at = id.indexOf('@');
  const repo = (at < 0 ? id : id.slice(0, at)).trim();
  const idRevision = at < 0 ? undefined : id.slice(at + 1).trim();
  if (!isHubId(repo)) {
    throw new UsageError(
      `"${id}" is neither a hub model id nor an existing folder`,
      'give a HuggingFace id like google/bert_uncased_L-2_H-128_A-2 (optionally @revision) or the path of a folder with config.json',
    );
  }
  if (idRevision !== undefined && idRevision === '') {
    throw new UsageError(`"${id}" has an empty revision after "@"`, 'write org/name@main or leave out the "@"');
  }
  if (idRevision !== undefined && revision !== undefined && idRevision !== revision) {
    throw new UsageError(
      `revision given twice: "${idRevision}" in the id and "${revision}" in the options`,
      'give the revision once',
    );
  }
  return { repo, revision: idRevision ?? revision ?? DEFAULT_REVISION };
}

export function normalizeEndpoint(endpoint: string | undefined): string {
  const e = (endpoint ?? DEFAULT_ENDPOINT).trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(e)) {
    throw new UsageError(
      `hub endpoint "${endpoint}" is not an http(s) URL`,
      'set HF_ENDPOINT (or the endpoint option) to something like https://huggingface.co',
    );
  }
  return e;
}

/** `{endpoint}/{repo}/resolve/{revision}/{file}`: the download URL, also the cache key of the file. */
export function hubFileUrl(endpoint: string, ref: HubRef, file: string): string {
  const path = checkRelativeName(file, `${ref.repo}@${ref.revision}`).split('/').map(encodeURIComponent).join('/');
  return `${normalizeEndpoint(endpoint)}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${path}`;
}

/** Inverse of hubFileUrl, for listing caches; undefined for keys that are not hub file URLs. */
export function parseHubFileUrl(
  url: string,
): { endpoint: string; repo: string; revision: string; file: string } | undefined {
  const m = /^(https?:\/\/.+?)\/((?:[^/]+\/)?[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url);
  if (!m) return undefined;
  const [, endpoint, repo, rev, file] = m;
  if (endpoint === undefined || repo === undefined || rev === undefined || file === undefined) return undefined;
  try {
    return {
      endpoint,
      repo,
      revision: decodeURIComponent(rev),
      file: file.split('/').map(decodeURIComponent).join('/'),
    };
  } catch {
    return undefined;
  }
}
