/** A bundle as one downloadable .zip (manifest.json + files) and back, with fflate. */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { StorageError } from '../errors.ts';
import { checkBundle } from './validate.ts';
import type { ClassifierBundle, ClassifierManifest } from './types.ts';

export function bundleToZip(bundle: ClassifierBundle): Uint8Array {
  const files: Zippable = { 'manifest.json': new TextEncoder().encode(JSON.stringify(bundle.manifest, null, 2)) };
  for (const [name, bytes] of Object.entries(bundle.files)) files[name] = [bytes, { level: 0 }];
  // Weights do not compress; level 0 keeps saving instant. Text files get default compression.
  files['manifest.json'] = [files['manifest.json'] as Uint8Array, { level: 6 }];
  return zipSync(files);
}

export function bundleFromZip(bytes: Uint8Array): ClassifierBundle {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new StorageError('This file is not a readable zip', 'pick a classifier .zip saved by browser-bert', {
      cause: e,
    });
  }
  // Accept a zip of a folder (everything under one top-level directory) too.
  const manifestName = Object.keys(entries).find((n) => n === 'manifest.json' || /^[^/]+\/manifest\.json$/.test(n));
  if (!manifestName)
    throw new StorageError('The zip has no manifest.json', 'pick a classifier .zip saved by browser-bert');
  const prefix = manifestName.slice(0, -'manifest.json'.length);
  const manifest = JSON.parse(new TextDecoder().decode(entries[manifestName])) as ClassifierManifest;
  const files: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(entries)) {
    if (name.startsWith(prefix) && name !== manifestName && !name.endsWith('/'))
      files[name.slice(prefix.length)] = data;
  }
  return checkBundle({ manifest, files }, 'the zip');
}
