/**
 * Proves that a file was never opened: the file is a named pipe (FIFO). Opening a FIFO for reading blocks until a
 * writer comes, so a reader that tried would still be waiting; `watch` notices it (a non-blocking open for writing
 * succeeds only when a reader is there), records it and releases the reader with an empty write end.
 * Linux/macOS (`mkfifo`); `makeFifo` returns false elsewhere so tests can skip that assertion with a message.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';

export function makeFifo(file: string): boolean {
  try {
    execFileSync('mkfifo', [file]);
    return true;
  } catch {
    return false;
  }
}

function hasReader(file: string): boolean {
  try {
    closeSync(openSync(file, constants.O_WRONLY | constants.O_NONBLOCK)); // the reader sees end-of-file
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENXIO') return false;
    throw e;
  }
}

/** Runs `work` while polling the FIFOs; returns its outcome and the FIFOs something tried to read. */
export async function watchFifos<T>(
  files: readonly string[],
  work: () => Promise<T>,
): Promise<{ result: PromiseSettledResult<T>; opened: string[] }> {
  const opened = new Set<string>();
  const poll = () => files.forEach((f) => hasReader(f) && opened.add(f));
  const timer = setInterval(poll, 50);
  try {
    const [result] = await Promise.allSettled([work()]);
    poll();
    return { result: result!, opened: [...opened] };
  } finally {
    clearInterval(timer);
  }
}
