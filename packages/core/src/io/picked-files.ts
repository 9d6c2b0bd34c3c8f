/** FileSources over files the user picked in a browser: File[] (folder picker / drag-and-drop) or a directory handle. */
import { HubError } from '../errors.ts';
import type { FileProgress, FileSource } from './types.ts';

/** Reads a Blob with progress events (local reads of large weights files take a moment too). */
export async function readBlob(blob: Blob, file: string, onProgress?: (p: FileProgress) => void): Promise<Uint8Array> {
  const total = blob.size;
  onProgress?.({ file, loaded: 0, total, done: false, fromCache: false });
  const out = new Uint8Array(total);
  let loaded = 0;
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.byteLength > total) throw new Error('file grew while it was read');
      out.set(value, loaded);
      loaded += value.byteLength;
      onProgress?.({ file, loaded, total, done: false, fromCache: false });
    }
  } catch (e) {
    throw new HubError('read', `could not read ${file} (${(e as Error).message})`, 'pick the model folder again', {
      cause: e,
    });
  } finally {
    reader.releaseLock();
  }
  if (loaded !== total) throw new HubError('read', `could not read all of ${file}`, 'pick the model folder again');
  onProgress?.({ file, loaded, total, done: true, fromCache: false });
  return out;
}

/** The path of a picked file inside the picked folder ("bert-tiny/1_Pooling/config.json" → "1_Pooling/config.json"). */
function relativeName(f: File): string {
  const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath;
  if (!rel) return f.name;
  const i = rel.indexOf('/');
  return i < 0 ? rel : rel.slice(i + 1);
}

/** ModelInfo.source of a model loaded from picked files: a description, not an address it can be loaded from. */
export const PICKED_FILES_SOURCE = 'local files';

/**
 * Files from `<input type=file webkitdirectory>` (relative paths) or dropped loose (plain names). A name is matched
 * exactly, else by the shallowest file whose path ends with "/name" (a parent folder was picked).
 */
export function createFilesSource(files: readonly File[] | ArrayLike<File>): FileSource {
  const byName = new Map<string, File>();
  for (const f of Array.from(files)) byName.set(relativeName(f), f);
  const find = (name: string): File | undefined => {
    const exact = byName.get(name);
    if (exact) return exact;
    let best: [string, File] | undefined;
    for (const entry of byName) {
      if (entry[0].endsWith('/' + name) && (!best || entry[0].length < best[0].length)) best = entry;
    }
    return best?.[1];
  };
  return {
    description: PICKED_FILES_SOURCE,
    revision: undefined,
    async listFiles() {
      return [...byName.keys()];
    },
    async get(name, onProgress) {
      const f = find(name);
      return f ? readBlob(f, name, onProgress) : undefined;
    },
  };
}

/** A folder opened with showDirectoryPicker(). Subfolders ("1_Pooling/config.json") are walked with the handle API. */
export function createDirectorySource(directory: FileSystemDirectoryHandle): FileSource {
  return {
    description: directory.name || 'local folder',
    revision: undefined,
    async get(name, onProgress) {
      const parts = name.split('/');
      const fileName = parts.pop() as string;
      let dir = directory;
      try {
        for (const p of parts) dir = await dir.getDirectoryHandle(p);
        const handle = await dir.getFileHandle(fileName);
        return readBlob(await handle.getFile(), name, onProgress);
      } catch (e) {
        const n = (e as Error).name;
        if (n === 'NotFoundError' || n === 'TypeMismatchError') return undefined;
        if (e instanceof HubError) throw e;
        throw new HubError(
          'read',
          `could not open ${name} in ${directory.name} (${(e as Error).message})`,
          'allow access to the folder and pick it again',
          { cause: e },
        );
      }
    },
  };
}
