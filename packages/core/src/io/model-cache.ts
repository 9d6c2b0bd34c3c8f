/** Cache helpers shared by every ModelCache: grouping entries into models, removing a model, an in-memory cache. */
import { MANIFEST_FILE } from './remote-source.ts';
import { parseHubFileUrl } from './hub-id.ts';
import type { CachedModel, CacheEntry, ModelCache } from './types.ts';

/** The cached models (endpoint + repo + revision), largest first. Keys that are not hub file URLs are skipped. */
export async function listCachedModels(cache: ModelCache): Promise<CachedModel[]> {
  const groups = new Map<string, { endpoint: string; repo: string; revision: string; files: CacheEntry[] }>();
  const entries = await cache.list();
  const bases = entries
    .filter((e) => e.key.endsWith('/' + MANIFEST_FILE))
    .map((e) => e.key.slice(0, -MANIFEST_FILE.length - 1));
  for (const entry of entries) {
    const parsed = parseHubFileUrl(entry.key) ?? parseFolderUrl(entry.key, bases);
    if (!parsed) continue;
    const id = `${parsed.endpoint}\n${parsed.repo}\n${parsed.revision}`;
    let g = groups.get(id);
    if (!g)
      groups.set(id, (g = { endpoint: parsed.endpoint, repo: parsed.repo, revision: parsed.revision, files: [] }));
    g.files.push(entry);
  }
  return [...groups.values()]
    .map((g) => ({ ...g, size: g.files.reduce((s, f) => s + f.size, 0) }))
    .sort((a, b) => b.size - a.size || a.repo.localeCompare(b.repo));
}

/**
 * Files of a model folder on a plain web server: grouped under the folder whose manifest entry is the longest
 * prefix of the key (so "1_Pooling/config.json" stays with its model), else under the key's own folder.
 */
function parseFolderUrl(
  key: string,
  bases: readonly string[],
): { endpoint: string; repo: string; revision: string } | undefined {
  try {
    const u = new URL(key);
    const base = bases.filter((b) => key.startsWith(b + '/')).sort((x, y) => y.length - x.length)[0];
    const dir = base ?? key.replace(/\/[^/]*$/, '');
    return { endpoint: u.origin, repo: decodeURIComponent(new URL(dir).pathname.replace(/^\//, '')), revision: '' };
  } catch {
    return undefined;
  }
}

/**
 * Removes every cached file of a model. Without `revision`, all revisions of the repo go; without `endpoint`, the
 * repo is removed whatever hub it came from. Resolves to the number of bytes freed.
 */
export async function removeCachedModel(
  cache: ModelCache,
  which: { repo: string; revision?: string; endpoint?: string },
): Promise<number> {
  let freed = 0;
  for (const model of await listCachedModels(cache)) {
    if (model.repo !== which.repo) continue;
    if (which.revision !== undefined && model.revision !== which.revision) continue;
    if (which.endpoint !== undefined && model.endpoint !== which.endpoint.replace(/\/+$/, '')) continue;
    for (const f of model.files) if (await cache.delete(f.key)) freed += f.size;
  }
  return freed;
}

/** A cache in memory (tests, or a page that must not persist anything). */
export function createMemoryCache(): ModelCache & { readonly entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return {
    entries,
    async get(key) {
      return entries.get(key);
    },
    async put(key, bytes) {
      entries.set(key, bytes.slice());
    },
    async delete(key) {
      return entries.delete(key);
    },
    async list() {
      return [...entries].map(([key, b]) => ({ key, size: b.byteLength }));
    },
  };
}
