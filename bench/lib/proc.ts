/**
 * The renderer processes of a Chromium we launched, read from /proc (Linux): CPU time, peak RSS, and a fast sampler
 * of the private memory footprint. Chromium computes a process's private footprint on Linux as RssAnon + VmSwap
 * (what its Task Manager shows as "Memory footprint"); RssFile is mapped files — mostly the browser's own code,
 * shared with every other renderer — which VmHWM (peak RSS) also counts.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** pid → [ppid, cmdline] for every process we can read. */
function processTable(): Map<number, { ppid: number; cmd: string }> {
  const t = new Map<number, { ppid: number; cmd: string }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      t.set(Number(d), { ppid, cmd });
    } catch {
      /* process gone */
    }
  }
  return t;
}

/** Renderer processes descending from the browser started with our unique tag (a command-line argument). */
export function rendererPids(tag: string): number[] {
  const t = processTable();
  const root = [...t.entries()].find(([, p]) => p.cmd.includes(tag))?.[0];
  if (root === undefined) return [];
  const isOurs = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; p = t.get(p)?.ppid ?? 0, hops++) if (p === root) return true;
    return false;
  };
  return [...t.entries()].filter(([pid, p]) => p.cmd.includes('--type=renderer') && isOurs(pid)).map(([pid]) => pid);
}

const CLK_TCK = 100; // Linux USER_HZ for /proc/<pid>/stat utime/stime

/** CPU ms (user + system, all threads) of the given processes. */
export function cpuMsOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      /* gone */
    }
  }
  return (ticks * 1000) / CLK_TCK;
}

/** Peak RSS (VmHWM) of the renderer processes descending from the browser started with our unique tag. */
export function rendererPeak(tag: string): number | undefined {
  let peak = 0;
  for (const pid of rendererPids(tag)) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      /* gone */
    }
  }
  return peak || undefined;
}

export interface Footprint {
  /** RssAnon + VmSwap (bytes): Chromium's private memory footprint on Linux. */
  readonly footprint: number;
  readonly rssAnon: number;
  readonly rssFile: number;
  readonly rssShmem: number;
}

/** The current footprint fields of one process, or undefined once it is gone. */
export function footprintOf(pid: number): Footprint | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0) * 1024;
    const rssAnon = kb('RssAnon');
    return { footprint: rssAnon + kb('VmSwap'), rssAnon, rssFile: kb('RssFile'), rssShmem: kb('RssShmem') };
  } catch {
    return undefined;
  }
}

export interface FootprintSampler {
  /** Field-wise peaks since the start (or the last `mark`), over our renderers; undefined before any sample. */
  peak(): Footprint | undefined;
  /** The largest renderer's footprint now. */
  now(): Footprint | undefined;
  /** Starts a new phase: returns the peaks of the phase that ends. */
  mark(): Footprint | undefined;
  /** Peaks over the whole run. */
  overall(): Footprint | undefined;
  stop(): void;
}

const maxOf = (a: Footprint | undefined, b: Footprint): Footprint =>
  a
    ? {
        footprint: Math.max(a.footprint, b.footprint),
        rssAnon: Math.max(a.rssAnon, b.rssAnon),
        rssFile: Math.max(a.rssFile, b.rssFile),
        rssShmem: Math.max(a.rssShmem, b.rssShmem),
      }
    : b;

/** Samples every renderer of the tagged browser every `everyMs` (the process list is refreshed every 10 samples). */
export function sampleFootprint(tag: string, everyMs = 50): FootprintSampler {
  let pids: number[] = [];
  let ticks = 0;
  let phase: Footprint | undefined;
  let all: Footprint | undefined;
  let last: Footprint | undefined;
  const timer = setInterval(() => {
    if (ticks++ % 10 === 0) pids = rendererPids(tag);
    let biggest: Footprint | undefined;
    for (const pid of pids) {
      const f = footprintOf(pid);
      if (!f) continue;
      phase = maxOf(phase, f);
      all = maxOf(all, f);
      if (!biggest || f.footprint > biggest.footprint) biggest = f;
    }
    last = biggest;
  }, everyMs);
  return {
    peak: () => phase,
    now: () => last,
    mark: () => {
      const p = phase;
      phase = undefined;
      return p;
    },
    overall: () => all,
    stop: () => clearInterval(timer),
  };
}
