/** Node: a bundle as a folder (manifest.json + files). node.ts registers it with the router (installNodeDefaults). */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StorageError } from '../../errors.ts';
import { checkBundle, checkManifest } from '../../bundle/validate.ts';
import type { ClassifierBundle } from '../../bundle/types.ts';
import type { BundleStore } from '../types.ts';
import { parseManifest } from '../../bundle/parse-manifest.ts';
import { bundleFromZip } from '../../bundle/zip.ts';

function dirOf(target: string): string {
  return path.resolve(target.replace(/^file:\/\//, ''));
}

export async function readBundleFolder(dir: string): Promise<ClassifierBundle> {
  const manifestPath = path.join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new StorageError(`${dir} has no manifest.json`, 'pass the folder written by `browser-bert train --out`');
  }
  const manifest = parseManifest(await readFile(manifestPath, 'utf8'), manifestPath);
  const files: Record<string, Uint8Array> = {};
  for (const name of checkManifest(manifest, dir)) {
    const p = path.join(dir, ...name.split('/'));
    if (!p.startsWith(path.resolve(dir) + path.sep)) throw new StorageError(`Bad file name in manifest.json: ${name}`);
    if (existsSync(p) && statSync(p).isFile()) files[name] = new Uint8Array(await readFile(p));
  }
  return checkBundle({ manifest, files }, dir);
}

/** Writes into a temp sibling folder, then swaps it in: a failed save never leaves a half-written classifier. */
export async function writeBundleFolder(dir: string, bundle: ClassifierBundle): Promise<void> {
  const target = path.resolve(dir);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    await mkdir(tmp, { recursive: true });
    await writeFile(path.join(tmp, 'manifest.json'), JSON.stringify(bundle.manifest, null, 2) + '\n');
    for (const [name, bytes] of Object.entries(bundle.files)) {
      const p = path.join(tmp, ...name.split('/'));
      await mkdir(path.dirname(p), { recursive: true });
      await writeFile(p, bytes);
    }
    if (existsSync(target)) {
      if (!statSync(target).isDirectory()) throw new Error(`${target} exists and is not a folder`);
      const old = `${target}.old-${process.pid}-${Date.now()}`;
      await rename(target, old);
      await rename(tmp, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await mkdir(path.dirname(target), { recursive: true });
      await rename(tmp, target);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw new StorageError(
      `Could not save the classifier to ${target} (${(e as Error).message})`,
      'choose a writable folder',
      { cause: e },
    );
  }
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
