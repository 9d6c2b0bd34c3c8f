/**
 * ModelCache in a folder (Node). Default folder: $BROWSER_BERT_CACHE, else ~/.cache/browser-bert. A key (a resolve
 * URL) maps to <root>/<scheme>/<host>/<repo…>/resolve/<revision>/<file>, each segment percent-encoded, so the
 * layout is readable and the key can be recovered for listing. Entries are written to a temp file and renamed:
 * a crash or a failed download never leaves a partial entry behind.
 */
import { mkdir, readFile, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StorageError } from '../../errors.ts';
import type { ModelCache } from '../types.ts';
import { defaultCacheDir } from './paths.ts';

const TMP = '.tmp-';

function keyToPath(root: string, key: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.+)$/i.exec(key);
  const parts = m ? [m[1] as string, ...(m[2] as string).split('/')] : ['other', ...key.split('/')];
  return path.join(root, ...parts.map((p) => (p === '' ? '%' : encodeURIComponent(p).replace(/^\./, '%2E'))));
}

function pathToKey(root: string, file: string): string {
  const parts = path
    .relative(root, file)
    .split(path.sep)
    .map((p) => (p === '%' ? '' : decodeURIComponent(p)));
  const [scheme, ...rest] = parts;
  return scheme === 'other' ? rest.join('/') : `${scheme}://${rest.join('/')}`;
}

export function createFolderCache(root: string = defaultCacheDir()): ModelCache & { readonly root: string } {
  const fail = (what: string, e: unknown): never => {
    throw new StorageError(
      `cache folder ${root}: cannot ${what} (${(e as Error).message})`,
      'set BROWSER_BERT_CACHE to a writable folder with free space',
      { cause: e },
    );
  };
  return {
    root,
    async get(key) {
      try {
        return new Uint8Array(await readFile(keyToPath(root, key)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        return fail(`read ${key}`, e);
      }
    },
    async put(key, bytes) {
      const dest = keyToPath(root, key);
      const tmp = path.join(path.dirname(dest), `${TMP}${process.pid}-${Math.random().toString(36).slice(2)}`);
      try {
        await mkdir(path.dirname(dest), { recursive: true });
        await writeFile(tmp, bytes);
        await rename(tmp, dest);
      } catch (e) {
        await rm(tmp, { force: true }).catch(() => undefined);
        fail(`write ${key}`, e);
      }
    },
    async delete(key) {
      const file = keyToPath(root, key);
      try {
        await rm(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        return fail(`remove ${key}`, e);
      }
      // Prune folders left empty, up to the root.
      for (let dir = path.dirname(file); dir.startsWith(root + path.sep); dir = path.dirname(dir)) {
        try {
          await rmdir(dir);
        } catch {
          break;
        }
      }
      return true;
    },
    async list() {
      const out: { key: string; size: number }[] = [];
      async function walk(dir: string): Promise<void> {
        let names;
        try {
          names = await readdir(dir, { withFileTypes: true });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw e;
        }
        for (const d of names) {
          const p = path.join(dir, d.name);
          if (d.isDirectory()) await walk(p);
          else if (d.isFile() && !d.name.startsWith(TMP))
            out.push({ key: pathToKey(root, p), size: (await stat(p)).size });
        }
      }
      await walk(root);
      return out.sort((a, b) => a.key.localeCompare(b.key));
    },
  };
}
