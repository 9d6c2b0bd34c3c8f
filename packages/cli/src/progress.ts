/**
 * Progress on stderr for CLI commands (cli-progress bars on a terminal; a few plain lines otherwise, so logs stay
 * readable). Data never goes here: stdout is for results only. Shared by tokenize/embed/train/convert.
 */
import cliProgress from 'cli-progress';
import type { FileProgress } from '@browser-bert/core';

export interface TaskBar {
  /** Sets the number of items done so far. */
  update(done: number): void;
  stop(): void;
}

export interface CliProgress {
  /** Feed load()'s onProgress events: one bar per file downloaded (cached files only get a line when not a TTY). */
  file(p: FileProgress): void;
  /** A counted task (texts embedded, epochs …). */
  task(label: string, total: number, unit?: string): TaskBar;
  /** A one-line note (above the bars on a terminal). */
  note(line: string): void;
  /** Stops all bars; call in finally. */
  stop(): void;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function isTTY(stream: NodeJS.WritableStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

export function createProgress(stderr: NodeJS.WritableStream, options: { quiet?: boolean } = {}): CliProgress {
  const tty = isTTY(stderr) && !options.quiet;
  const multi = tty
    ? new cliProgress.MultiBar(
        {
          stream: stderr as NodeJS.WriteStream,
          format: ' {label} |{bar}| {percentage}% {detail}',
          barsize: 30,
          hideCursor: true,
          clearOnComplete: false,
          stopOnComplete: false,
          autopadding: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const files = new Map<string, cliProgress.SingleBar>();
  const say = (line: string) => {
    if (options.quiet) return;
    if (multi) multi.log(line + '\n');
    else stderr.write(line + '\n');
  };

  return {
    file(p) {
      if (p.fromCache) return;
      const total = p.total ?? Math.max(p.loaded, 1);
      const detail = `${formatBytes(p.loaded)}${p.total === undefined ? '' : ` / ${formatBytes(p.total)}`}`;
      if (multi) {
        let bar = files.get(p.file);
        if (!bar) files.set(p.file, (bar = multi.create(total, 0, { label: p.file, detail })));
        bar.setTotal(total);
        bar.update(p.done ? total : p.loaded, { label: p.file, detail });
      } else if (p.done && p.loaded >= 1 << 20) {
        // Without a terminal, only the large files (weights) get a line, so logs stay short.
        say(`read ${p.file} (${formatBytes(p.loaded)})`);
      }
    },
    task(label, total, unit = '') {
      const started = Date.now();
      const bar = multi?.create(total, 0, { label, detail: `0/${total} ${unit}` });
      let last = 0;
      return {
        update(done) {
          last = done;
          bar?.update(done, { label, detail: `${done}/${total} ${unit}` });
        },
        stop() {
          bar?.update(last, { label, detail: `${last}/${total} ${unit}` });
          const s = (Date.now() - started) / 1000;
          if (!multi) say(`${label}: ${last}/${total} ${unit} in ${s.toFixed(1)} s`.replace(/ +/g, ' '));
        },
      };
    },
    note: say,
    stop() {
      multi?.stop();
    },
  };
}
