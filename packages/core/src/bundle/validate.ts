import { StorageError } from '../errors.ts';
import { BUNDLE_FORMAT, BUNDLE_SCHEMA_VERSION, type ClassifierBundle, type ClassifierManifest } from './types.ts';

/** Checks a manifest's format/version and that every listed file is present. Returns the bundle. */
export function checkBundle(
  bundle: { manifest: unknown; files: Record<string, Uint8Array> },
  where: string,
): ClassifierBundle {
  const m = bundle.manifest as Partial<ClassifierManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== BUNDLE_FORMAT) {
    throw new StorageError(
      `${where} is not a browser-bert classifier (manifest.json "format" is not "${BUNDLE_FORMAT}")`,
      'pick a folder or zip saved by browser-bert train',
    );
  }
  if (typeof m.schema_version !== 'number' || m.schema_version > BUNDLE_SCHEMA_VERSION) {
    throw new StorageError(
      `${where} has bundle schema version ${String(m.schema_version)}; this library reads up to ${BUNDLE_SCHEMA_VERSION}`,
      'update browser-bert',
    );
  }
  if (!Array.isArray(m.labels) || m.labels.length < 2 || !Array.isArray(m.files)) {
    throw new StorageError(`${where}: manifest.json has no labels/files list`, 'the bundle is damaged; save it again');
  }
  const missing = m.files.filter((f) => !(f in bundle.files));
  if (missing.length > 0)
    throw new StorageError(`${where} is missing ${missing.join(', ')}`, 'copy the whole classifier folder');
  return bundle as ClassifierBundle;
}
