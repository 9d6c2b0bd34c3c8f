/**
 * Node: writes an export's files (export/) into a folder atomically (atomic-folder.ts, the writer classifier saves
 * use): a failure or a kill leaves whatever was at the target loadable. An existing non-empty folder is never
 * touched unless `replace` is set (then it is swapped out only after the new one is complete).
 */
import path from 'node:path';
import { ExportError } from '../../errors.ts';
import { writeFolderAtomic } from './atomic-folder.ts';

export async function writeExportFolder(
  dir: string,
  files: Readonly<Record<string, Uint8Array>>,
  options: { replace?: boolean } = {},
): Promise<string> {
  const target = path.resolve(dir);
  await writeFolderAtomic(target, files, {
    fail: (message, hint, cause) => new ExportError(message, hint, { cause }),
    checkExisting() {
      if (!options.replace) {
        throw new ExportError(
          `${target} already exists and is not empty`,
          'choose a new --out folder, or pass --force to replace it',
        );
      }
    },
  });
  return target;
}
