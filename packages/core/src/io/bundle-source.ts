/**
 * Every place a classifier bundle can come from, to one ClassifierBundle: a target string (URL, `indexeddb://name`,
 * a Node folder once the Node defaults are installed), a .zip (Blob / File / bytes), picked files, a directory
 * handle, or a bundle object.
 */
import { StorageError } from '../errors.ts';
import type { ClassifierBundle } from '../bundle/types.ts';
import { parseManifest } from '../bundle/parse-manifest.ts';
import { checkBundle, checkManifest } from '../bundle/validate.ts';
import { readBundle } from './bundle-store.ts';

/**
 * A URL / `indexeddb://name` / Node folder path; a .zip (File, Blob, bytes); a picked folder (File[] from
 * `<input webkitdirectory>` or drag and drop, or a FileSystemDirectoryHandle); or a bundle object.
 */
export type ClassifierSource =
  string | Blob | Uint8Array | ArrayBuffer | ClassifierBundle | readonly File[] | FileSystemDirectoryHandle;

export interface BundleSourceOptions {
  readonly fetch?: typeof fetch | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Bundles by URL: a request that stalls this long fails (StorageError). Default 30 000 ms; 0 = never. */
  readonly stallTimeoutMs?: number | undefined;
}

/** Picked files → bundle: paths relative to the folder holding manifest.json. */
async function bundleFromFiles(files: readonly File[]): Promise<ClassifierBundle> {
  const rel = (f: File) => (f.webkitRelativePath || f.name).replace(/\\/g, '/');
  const manifestFile = files.find((f) => rel(f).split('/').pop() === 'manifest.json' && rel(f).split('/').length <= 2);
  if (!manifestFile)
    throw new StorageError('The picked files have no manifest.json', 'pick the classifier folder itself');
  const prefix = rel(manifestFile).slice(0, -'manifest.json'.length);
  const manifest = parseManifest(await manifestFile.text(), 'manifest.json of the picked folder');
  const byName = new Map(files.map((f) => [rel(f), f]));
  const out: Record<string, Uint8Array> = {};
  // Only the files the manifest lists (names checked by the path policy) are read.
  for (const name of checkManifest(manifest, 'the picked folder')) {
    const f = byName.get(prefix + name);
    if (f) out[name] = new Uint8Array(await f.arrayBuffer());
  }
  return checkBundle({ manifest, files: out }, 'the picked folder');
}

async function filesOfDirectory(dir: FileSystemDirectoryHandle, prefix = ''): Promise<File[]> {
  const out: File[] = [];
  const entries = (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries();
  for await (const [name, handle] of entries) {
    if (handle.kind === 'directory')
      out.push(...(await filesOfDirectory(handle as FileSystemDirectoryHandle, `${prefix}${name}/`)));
    else {
      const file = await (handle as FileSystemFileHandle).getFile();
      out.push(new File([file], `${prefix}${name}`));
    }
  }
  return out;
}

/**
 * A .zip → bundle. The zip code (fflate, which builds its tables when loaded: ~11 ms of a cold page) is loaded on the
 * first zip, so a page that loads classifiers from elsewhere never runs it.
 */
async function bundleFromZip(bytes: Uint8Array): Promise<ClassifierBundle> {
  return (await import('../bundle/zip.ts')).bundleFromZip(bytes);
}

export async function readBundleFrom(
  source: ClassifierSource,
  options: BundleSourceOptions = {},
): Promise<ClassifierBundle> {
  if (typeof source === 'string') {
    return readBundle(source, {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: options.stallTimeoutMs }),
    });
  }
  if (source instanceof Uint8Array) return bundleFromZip(source);
  if (source instanceof ArrayBuffer) return bundleFromZip(new Uint8Array(source));
  if (typeof Blob !== 'undefined' && source instanceof Blob)
    return bundleFromZip(new Uint8Array(await source.arrayBuffer()));
  if (Array.isArray(source)) return bundleFromFiles(source as readonly File[]);
  if (typeof source === 'object' && 'kind' in source && source.kind === 'directory') {
    // names carry the relative path (webkitRelativePath is read-only): map them back
    const files = await filesOfDirectory(source);
    return bundleFromFiles(files.map((f) => Object.defineProperty(f, 'webkitRelativePath', { value: f.name })));
  }
  if (typeof source === 'object' && 'manifest' in source && 'files' in source)
    return checkBundle(source as ClassifierBundle, 'the bundle');
  throw new StorageError(
    'Unknown classifier source',
    'pass a URL, indexeddb://name, a folder path (Node), a .zip or a bundle',
  );
}
