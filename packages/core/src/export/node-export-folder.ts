/**
 * Node: writes an export's files into a folder atomically — everything goes to a temp sibling folder first, which
 * is renamed into place only when complete, so a failure leaves nothing partial. An existing non-empty folder is
 * never touched unless `replace` is set (then it is swapped out only after the new one is complete).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExportError } from '../errors.ts';

export async function writeExportFolder(
  dir: string,
  files: Readonly<Record<string, Uint8Array>>,
  options: { replace?: boolean } = {},
): Promise<string> {
  const target = path.resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory())
      throw new ExportError(`${target} exists and is not a folder`, 'choose another --out');
    if (readdirSync(target).length > 0 && !options.replace) {
      throw new ExportError(
        `${target} already exists and is not empty`,
        'choose a new --out folder, or pass --force to replace it',
      );
    }
  }
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    for (const [name, bytes] of Object.entries(files)) {
      const p = path.resolve(tmp, ...name.split('/'));
      if (!p.startsWith(tmp + path.sep)) throw new ExportError(`Bad export file name ${JSON.stringify(name)}`);
      await mkdir(path.dirname(p), { recursive: true });
      await writeFile(p, bytes);
    }
    await mkdir(tmp, { recursive: true });
    if (existsSync(target)) {
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
    if (e instanceof ExportError) throw e;
    throw new ExportError(
      `Could not write the export to ${target} (${(e as Error).message})`,
      'choose a writable folder',
      {
        cause: e,
      },
    );
  }
  return target;
}
