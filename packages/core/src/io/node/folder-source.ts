/** FileSource over a local folder (Node). */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { HubError } from '../../errors.ts';
import type { FileProgress, FileSource } from '../types.ts';
import { checkRelativeName } from '../../util/safe-name.ts';

export function createFolderSource(folder: string): FileSource {
  const root = path.resolve(folder);
  return {
    description: folder,
    revision: undefined,
    async listFiles() {
      const out: string[] = [];
      const walk = async (dir: string, depth: number): Promise<void> => {
        for (const d of await readdir(dir, { withFileTypes: true })) {
          const rel = path.relative(root, path.join(dir, d.name)).split(path.sep).join('/');
          if (d.isDirectory() && depth < 2) await walk(path.join(dir, d.name), depth + 1);
          else if (d.isFile()) out.push(rel);
        }
      };
      await walk(root, 0);
      return out.sort();
    },
    async get(name, onProgress) {
      const file = path.join(root, ...checkRelativeName(name, folder).split('/')); // never outside the folder
      let size: number;
      try {
        const st = await stat(file);
        if (!st.isFile()) return undefined;
        size = st.size;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') {
          return undefined;
        }
        throw readError(file, e);
      }
      return readWithProgress(file, name, size, onProgress);
    },
  };
}

function readError(file: string, e: unknown): HubError {
  return new HubError('read', `cannot read ${file} (${(e as Error).message})`, 'check the path and its permissions', {
    cause: e,
  });
}

async function readWithProgress(
  file: string,
  name: string,
  total: number,
  onProgress?: (p: FileProgress) => void,
): Promise<Uint8Array> {
  const out = new Uint8Array(total);
  let loaded = 0;
  onProgress?.({ file: name, loaded, total, done: false, fromCache: false });
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      const c = chunk as Buffer;
      if (loaded + c.byteLength > total) throw new Error('the file grew while it was read');
      out.set(c, loaded);
      loaded += c.byteLength;
      onProgress?.({ file: name, loaded, total, done: false, fromCache: false });
    }
  } catch (e) {
    throw readError(file, e);
  }
  if (loaded !== total) throw readError(file, new Error(`read ${loaded} of ${total} bytes`));
  onProgress?.({ file: name, loaded, total, done: true, fromCache: false });
  return out;
}
