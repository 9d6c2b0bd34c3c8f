/** manifest.json text → value, with one clear StorageError for text that is not JSON (fields: check-manifest.ts). */
import { StorageError } from '../errors.ts';

export function parseManifest(text: string, where: string): { files?: unknown } | null {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as { files?: unknown } | null;
  } catch (e) {
    throw new StorageError(`${where} is not valid JSON`, 'the bundle is damaged; save the classifier again', {
      cause: e,
    });
  }
}
