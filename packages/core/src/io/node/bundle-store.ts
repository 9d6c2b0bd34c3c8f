/** Node: a bundle as a folder (manifest.json + files). node.ts registers it with the router (installNodeDefaults). */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { StorageError } from '../../errors.ts';
import { checkBundle, checkManifest } from '../../bundle/validate.ts';
import type { ClassifierBundle } from '../../bundle/types.ts';
import type { BundleStore } from '../types.ts';
import { parseManifest } from '../../bundle/parse-manifest.ts';
import { previousFolder, writeFolderAtomic } from './atomic-folder.ts';
import { bundleFromZip } from '../../bundle/zip.ts';

function dirOf(target: string): string {
  return path.resolve(target.replace(/^file:\/\//, ''));
}

export async function readBundleFolder(dir: string): Promise<ClassifierBundle> {
  // A save killed between its two renames leaves the previous classifier complete beside the target.
  const from = existsSync(dir) ? dir : ((await previousFolder(dir, 'manifest.json')) ?? dir);
  const manifestPath = path.join(from, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new StorageError(`${dir} has no manifest.json`, 'pass the folder written by `browser-bert train --out`');
  }
  const manifest = parseManifest(await readFile(manifestPath, 'utf8'), path.join(dir, 'manifest.json'));
  const files: Record<string, Uint8Array> = {};
  for (const name of checkManifest(manifest, dir)) {
    const p = path.join(from, ...name.split('/'));
    if (!p.startsWith(path.resolve(from) + path.sep)) throw new StorageError(`Bad file name in manifest.json: ${name}`);
    if (existsSync(p) && statSync(p).isFile()) files[name] = new Uint8Array(await readFile(p));
  }
  return checkBundle({ manifest, files }, dir);
}

/**
 * Saves atomically (io/node/atomic-folder.ts): the previous classifier stays loadable at `dir` until the new one is
 * complete. A non-empty folder that is not a saved classifier is never replaced.
 */
export async function writeBundleFolder(dir: string, bundle: ClassifierBundle): Promise<void> {
  const files: Record<string, Uint8Array> = {
    'manifest.json': new TextEncoder().encode(JSON.stringify(bundle.manifest, null, 2) + '\n'),
  };
  for (const [name, bytes] of Object.entries(bundle.files)) if (name !== 'manifest.json') files[name] = bytes;
  await writeFolderAtomic(dir, files, {
    fail: (message, hint, cause) => new StorageError(message, hint, { cause }),
    checkExisting(target) {
      if (!existsSync(path.join(target, 'manifest.json'))) {
        throw new StorageError(
          `${target} is a folder with other files in it, not a saved classifier: not replacing it`,
          'choose a new or empty folder (or one written by `browser-bert train --out`)',
        );
      }
    },
  });
}

export const folderStore: BundleStore = {
  name: 'folder',
  matches: (t) => t.startsWith('file://') || (!/^[a-z][a-z0-9+.-]*:\/\//i.test(t) && !t.startsWith('indexeddb:')),
  // A file is read as the zip the web app downloads (bundleToZip); a folder as written by `train --out`.
  read: async (t) => {
    const p = dirOf(t);
    return existsSync(p) && statSync(p).isFile()
      ? bundleFromZip(new Uint8Array(await readFile(p)))
      : readBundleFolder(p);
  },
  write: (t, b) => writeBundleFolder(dirOf(t), b),
};
