/** A FileSource over files already in memory: a bundle's encoder folder, generated checkpoints in tests and benches. */
import type { FileSource } from './types.ts';

export function createMemorySource(
  files: Readonly<Record<string, Uint8Array>>,
  description = 'files in memory',
): FileSource {
  const names = Object.keys(files);
  return {
    description,
    revision: undefined,
    async listFiles() {
      return [...names];
    },
    async get(name, onProgress) {
      const bytes = Object.hasOwn(files, name) ? files[name] : undefined;
      if (bytes !== undefined) {
        const n = bytes.byteLength;
        onProgress?.({ file: name, loaded: n, total: n, done: true, fromCache: false });
      }
      return bytes;
    },
  };
}
