import { show, StorageError } from '../errors.ts';
import { BUNDLE_FORMAT, BUNDLE_SCHEMA_VERSION, type ClassifierBundle, type ClassifierManifest } from './types.ts';
import { checkManifestFields } from './check-manifest.ts';

/**
 * Checks a manifest's format, version and fields, and that its file names are plain relative paths
 * (util/safe-name.ts). Returns the file names to read: call it BEFORE reading or fetching any of them.
 */
export function checkManifest(manifest: unknown, where: string): string[] {
  const m = manifest as Partial<ClassifierManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== BUNDLE_FORMAT) {
    throw new StorageError(
      `${where} is not a browser-bert classifier (manifest.json "format" is not "${BUNDLE_FORMAT}")`,
      'pick a folder or zip saved by browser-bert train',
    );
  }
  if (typeof m.schema_version !== 'number' || m.schema_version > BUNDLE_SCHEMA_VERSION) {
    throw new StorageError(
      `${where} has bundle schema version ${show(m.schema_version)}; this library reads up to ${BUNDLE_SCHEMA_VERSION}`,
      'update browser-bert',
    );
  }
  return checkManifestFields(m as Record<string, unknown>, where);
}

/** Checks the manifest (checkManifest) and that every listed file is present. Returns the bundle. */
export function checkBundle(
  bundle: { manifest: unknown; files: Record<string, Uint8Array> },
  where: string,
): ClassifierBundle {
  const names = checkManifest(bundle.manifest, where);
  const files: object = typeof bundle.files === 'object' && bundle.files !== null ? bundle.files : {};
  const missing = names.filter((f) => !(Object.hasOwn(files, f) && bundle.files[f] instanceof Uint8Array));
  if (missing.length > 0)
    throw new StorageError(`${where} is missing ${missing.join(', ')}`, 'copy the whole classifier folder');
  return bundle as ClassifierBundle;
}
