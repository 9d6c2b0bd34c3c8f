/**
 * Node: writes a folder of files so that whatever was at the target before stays loadable until the new one is
 * complete — the one writer behind `classifier.save(dir)`, `train --out`, `export --out` and `convert --out`.
 *
 * Scheme (POSIX): under a lock (`.<name>.lock`, owned by a process id), write every file into the hidden sibling
 * `.<name>.tmp-<pid>-<id>` and fsync it; then `rename(target → .<name>.old-<pid>-<id>)`, `rename(tmp → target)`,
 * remove the old one. The target stays a plain folder (copyable with `cp -r`, unlike a symlink swap, whose copies
 * point back at the original). Linux cannot rename over a non-empty folder, so between the two renames the target
 * is absent for an instant: a process killed there leaves the complete previous folder as `.<name>.old-*`, which
 * `previousFolder()` finds for readers (readBundleFolder) and the next save puts back before anything else.
 * Leftovers of killed savers (temp and old siblings, a lock whose owner is dead) are removed by the next save.
 * The lock is hand-written: it goes by the owner's process id, so a killed saver's lock is taken over at once
 * (mtime-based lockfile libraries make the next save wait out a stale period after every crash).
 */
import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { lstat, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Builds the error a failure is reported as (StorageError for bundles, ExportError for exports). */
export type FolderErrorFactory = (message: string, hint: string, cause?: unknown) => Error;

export interface AtomicFolderOptions {
  /** Builds the thrown error; every failure is one of these. */
  readonly fail: FolderErrorFactory;
  /**
   * Called when the target is an existing non-empty folder (and not our own leftovers): throw to refuse replacing
   * it. Default: replaced.
   */
  readonly checkExisting?: (target: string) => void | Promise<void>;
  /** How long to wait for another process's save to the same target. Default 120 s. */
  readonly lockWaitMs?: number;
}

const LOCK_POLL_MS = 25;
/** A lock without a readable owner this old is someone else's (not ours: ours always have one): taken over. */
const OWNERLESS_LOCK_STALE_MS = 10_000;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The sibling names this writer uses for `name`, and a matcher giving (kind, owner pid) of one of them. */
function siblings(target: string) {
  const parent = path.dirname(target);
  const name = path.basename(target);
  const re = new RegExp(`^\\.${escapeRe(name)}\\.(tmp|old)-(\\d+)-[0-9a-f]+$`);
  const id = () => `${process.pid}-${randomBytes(6).toString('hex')}`;
  return {
    parent,
    name,
    lock: path.join(parent, `.${name}.lock`),
    tmp: () => path.join(parent, `.${name}.tmp-${id()}`),
    old: () => path.join(parent, `.${name}.old-${id()}`),
    match(entry: string): { kind: 'tmp' | 'old'; pid: number } | undefined {
      const m = re.exec(entry);
      return m ? { kind: m[1] as 'tmp' | 'old', pid: Number(m[2]) } : undefined;
    },
  };
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * The folder a reader should use when `target` is absent because a save was killed between its two renames: the
 * newest complete `.<name>.old-*` sibling holding `marker` (e.g. manifest.json), else undefined.
 */
export async function previousFolder(target: string, marker: string): Promise<string | undefined> {
  const s = siblings(path.resolve(target));
  let entries: Dirent[];
  try {
    entries = await readdir(s.parent, { withFileTypes: true });
  } catch {
    return undefined;
  }
  let best: { dir: string; mtime: number } | undefined;
  for (const d of entries) {
    if (!d.isDirectory() || s.match(d.name)?.kind !== 'old') continue;
    const dir = path.join(s.parent, d.name);
    try {
      const mtime = (await stat(path.join(dir, marker))).mtimeMs;
      if (!best || mtime > best.mtime) best = { dir, mtime };
    } catch {
      // not a complete folder
    }
  }
  return best?.dir;
}

/**
 * Takes `.<name>.lock` for this process: a folder holding "<pid> <token>", made complete under a temp name and
 * renamed into place (rename refuses a non-empty target), so a lock is never seen without its owner.
 */
async function acquireLock(target: string, waitMs: number, fail: FolderErrorFactory) {
  const s = siblings(target);
  const deadline = Date.now() + waitMs;
  const token = randomBytes(8).toString('hex');
  for (;;) {
    const candidate = s.tmp();
    try {
      await mkdir(candidate);
      await writeFile(path.join(candidate, 'owner'), `${process.pid} ${token}\n`);
      await rename(candidate, s.lock);
      return async () => {
        // Only our own lock is removed (a stale-lock breaker may have replaced it in a rare race).
        if ((await readOwner(s.lock))?.token === token) await rm(s.lock, { recursive: true, force: true });
      };
    } catch (e) {
      await rm(candidate, { recursive: true, force: true }).catch(() => undefined);
      if (!['EEXIST', 'ENOTEMPTY', 'ENOENT'].includes(errno(e) ?? '')) throw e;
    }
    const owner = await readOwner(s.lock);
    const stale = owner ? !alive(owner.pid) : await ownerlessAndOld(s.lock);
    if (stale) {
      // Move it aside first: of several processes that saw it stale, one wins the rename; the others retry. If
      // what was moved is not the lock judged stale (another process took the lock meanwhile), it goes back.
      const aside = s.tmp();
      try {
        await rename(s.lock, aside);
        if ((await readOwner(aside))?.token !== owner?.token) await rename(aside, s.lock);
      } catch (e) {
        if (!['ENOENT', 'EEXIST', 'ENOTEMPTY'].includes(errno(e) ?? '')) throw e;
      }
      await rm(aside, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw fail(
        `Another save to ${target} is still running${owner ? ` (process ${owner.pid})` : ''}`,
        `wait for it to finish, or remove ${s.lock} if no such process is saving`,
      );
    }
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }
}

async function readOwner(lock: string): Promise<{ pid: number; token: string } | undefined> {
  try {
    const [pid, token] = (await readFile(path.join(lock, 'owner'), 'utf8')).trim().split(' ');
    const n = Number(pid);
    return Number.isInteger(n) && n > 0 ? { pid: n, token: token ?? '' } : undefined;
  } catch {
    return undefined; // no lock (or not one of ours)
  }
}

async function ownerlessAndOld(lock: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(lock)).mtimeMs > OWNERLESS_LOCK_STALE_MS;
  } catch {
    return false;
  }
}

/**
 * Under the lock: puts back a previous folder a killed save left as `.old-*` when the target is missing, and
 * removes the temp and old siblings of savers that are gone (dead process, or this one's own earlier leftovers).
 */
async function recover(target: string): Promise<void> {
  const s = siblings(target);
  if (!(await exists(target))) {
    const prev = await previousFolder(target, '');
    if (prev) await rename(prev, target);
  }
  for (const entry of await readdir(s.parent)) {
    const m = s.match(entry);
    if (m && (m.pid === process.pid || !alive(m.pid)))
      await rm(path.join(s.parent, entry), { recursive: true, force: true });
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (e) {
    if (errno(e) === 'ENOENT') return false;
    throw e;
  }
}

/** Flushes a folder's entries to disk: best effort (Windows cannot open a folder; a kill needs no fsync at all). */
async function fsyncDir(p: string): Promise<void> {
  try {
    const fh = await open(p, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // durability against power loss only; the rename scheme alone covers killed processes
  }
}

/** Writes `files` (relative "/"-separated names) into a new folder `dir`, durably. */
async function writeAll(dir: string, files: Readonly<Record<string, Uint8Array>>, fail: FolderErrorFactory) {
  await mkdir(dir);
  const dirs = new Set<string>([dir]);
  for (const [name, bytes] of Object.entries(files)) {
    const p = path.resolve(dir, ...name.split('/'));
    if (!p.startsWith(dir + path.sep)) throw fail(`Refusing to write file name ${JSON.stringify(name)}`, '');
    await mkdir(path.dirname(p), { recursive: true });
    dirs.add(path.dirname(p));
    const fh = await open(p, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  for (const d of dirs) await fsyncDir(d);
}

/** One line for what went wrong, by errno (never by message text), naming the bytes a full disk needed. */
function describe(e: unknown, target: string, bytes: number): { message: string; hint: string } {
  const code = errno(e);
  const keep = 'whatever was there before is unchanged';
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return {
        message: `Not enough space to save to ${target} (${bytes} bytes needed)`,
        hint: `free disk space or choose a folder on another disk; ${keep}`,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        message: `No permission to write ${target} (${code})`,
        hint: `choose a folder you can write to, or fix the permissions of ${path.dirname(target)}; ${keep}`,
      };
    case 'EROFS':
      return {
        message: `Cannot save to ${target}: the file system is read-only`,
        hint: `choose a folder on a writable disk; ${keep}`,
      };
    case 'ENOTDIR':
    case 'EEXIST':
    case 'EISDIR':
      return {
        message: `Cannot save to ${target}: a file is in the way (${code})`,
        hint: `choose another folder; ${keep}`,
      };
    case 'ENAMETOOLONG':
      return { message: `Cannot save to ${target}: the path is too long`, hint: 'choose a shorter folder path' };
    default:
      return {
        message: `Could not save to ${target} (${code ?? (e as Error)?.name ?? 'error'}: ${(e as Error)?.message ?? String(e)})`,
        hint: `choose a writable folder; ${keep}`,
      };
  }
}

/**
 * Writes `files` as the folder `dir`, replacing what is there only once the new folder is complete (see above).
 * Every failure is `options.fail(...)`, and leaves the previous folder where it was.
 */
export async function writeFolderAtomic(
  dir: string,
  files: Readonly<Record<string, Uint8Array>>,
  options: AtomicFolderOptions,
): Promise<void> {
  const { fail } = options;
  const target = path.resolve(dir);
  const s = siblings(target);
  const bytes = Object.values(files).reduce((a, f) => a + f.byteLength, 0);
  const wrap = (e: unknown): Error => {
    // Errors from `fail` or `checkExisting` pass as they are; system errors are described by their errno.
    if (e instanceof Error && e.name !== 'Error' && !('syscall' in e)) return e;
    const d = describe(e, target, bytes);
    return fail(d.message, d.hint, e);
  };
  let release: (() => Promise<void>) | undefined;
  let tmp: string | undefined;
  try {
    await mkdir(s.parent, { recursive: true });
    release = await acquireLock(target, options.lockWaitMs ?? 120_000, fail);
    await recover(target);
    const before = await lstat(target).catch((e: unknown) => {
      if (errno(e) === 'ENOENT') return undefined;
      throw e;
    });
    if (before && !before.isDirectory()) {
      throw fail(`${target} exists and is not a folder`, 'choose another folder, or remove that file first');
    }
    if (before && (await readdir(target)).length > 0) await options.checkExisting?.(target);
    tmp = s.tmp();
    await writeAll(tmp, files, fail);
    if (before) {
      const old = s.old();
      await rename(target, old);
      try {
        await rename(tmp, target); // a process killed before this line leaves `old` for previousFolder/recover
      } catch (e) {
        // the swap failed: the previous folder goes back where it was
        await rename(old, target).catch(() => undefined);
        throw e;
      }
      tmp = undefined;
      await fsyncDir(s.parent);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, target);
      tmp = undefined;
      await fsyncDir(s.parent);
    }
  } catch (e) {
    if (tmp) await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw wrap(e);
  } finally {
    await release?.().catch(() => undefined);
  }
}
