/** A bundle as one downloadable .zip (manifest.json + files) and back, with fflate. */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { StorageError, BrowserBertError } from '../errors.ts';
import { checkBundle } from './validate.ts';
import type { ClassifierBundle } from './types.ts';
import { checkRelativeName } from '../util/safe-name.ts';
import { parseManifest } from './parse-manifest.ts';

/** The times a zip entry can carry (MS-DOS dates, 1980–2099 in fflate); any other date of a manifest → the first. */
const ZIP_EPOCH = Date.UTC(1980, 0, 2);
const ZIP_END = Date.UTC(2099, 11, 30);

export function bundleToZip(bundle: ClassifierBundle): Uint8Array {
  const files: Zippable = { 'manifest.json': new TextEncoder().encode(JSON.stringify(bundle.manifest, null, 2)) };
  for (const [name, bytes] of Object.entries(bundle.files)) files[name] = [bytes, { level: 0 }];
  // Weights do not compress; level 0 keeps saving instant. Text files get default compression.
  files['manifest.json'] = [files['manifest.json'] as Uint8Array, { level: 6 }];
  // Every entry dated when the classifier was made (not when zipped): the same bundle always gives the same bytes.
  const made = Date.parse(bundle.manifest.created_at);
  return zipSync(files, { mtime: made >= ZIP_EPOCH && made < ZIP_END ? made : ZIP_EPOCH });
}

/** More entries than any bundle has by far (a zip's central directory can claim 4 billion). */
export const MAX_ZIP_ENTRIES = 10_000;
/**
 * Allocation bound: the entries' claimed uncompressed sizes may add up to at most this ratio × the zip's size +
 * ZIP_SLACK_BYTES. Bundles hold weights (stored or ~1.1:1) and text (~3:1); a zip bomb or a lying size is refused
 * before fflate allocates its output buffer.
 */
export const MAX_ZIP_RATIO = 32;
export const ZIP_SLACK_BYTES = 16 * 1024 * 1024;

function unzipBounded(bytes: Uint8Array): Record<string, Uint8Array> {
  const budget = MAX_ZIP_RATIO * bytes.byteLength + ZIP_SLACK_BYTES;
  let count = 0;
  let total = 0;
  try {
    return unzipSync(bytes, {
      filter(f) {
        if (++count > MAX_ZIP_ENTRIES)
          throw new StorageError(
            `The zip has more than ${MAX_ZIP_ENTRIES} entries`,
            'pick a classifier .zip saved by browser-bert',
          );
        total += f.originalSize;
        if (!(total <= budget))
          throw new StorageError(
            `The zip's entries claim ${total} bytes uncompressed, more than ${MAX_ZIP_RATIO}× the file: a damaged zip or a zip bomb`,
            'pick a classifier .zip saved by browser-bert',
          );
        // Directory entries end with "/"; every other name must be a plain relative path.
        checkRelativeName(f.name.endsWith('/') ? f.name.slice(0, -1) : f.name, 'the zip');
        return true;
      },
    });
  } catch (e) {
    if (e instanceof BrowserBertError) throw e;
    throw new StorageError('This file is not a readable zip', 'pick a classifier .zip saved by browser-bert', {
      cause: e,
    });
  }
}

export function bundleFromZip(bytes: Uint8Array): ClassifierBundle {
  const entries = unzipBounded(bytes);
  // Accept a zip of a folder (everything under one top-level directory) too.
  const manifestName = Object.keys(entries).find((n) => n === 'manifest.json' || /^[^/]+\/manifest\.json$/.test(n));
  if (!manifestName)
    throw new StorageError('The zip has no manifest.json', 'pick a classifier .zip saved by browser-bert');
  const prefix = manifestName.slice(0, -'manifest.json'.length);
  const manifest = parseManifest(new TextDecoder().decode(entries[manifestName]), `manifest.json of the zip`);
  const files: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(entries)) {
    if (name.startsWith(prefix) && name !== manifestName && !name.endsWith('/'))
      files[name.slice(prefix.length)] = data;
  }
  return checkBundle({ manifest, files }, 'the zip');
}
