/** Timing statistics and the interleaved A B A B … runner used by every comparison in the benchmark. */

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { n: 0, median: NaN, min: NaN, max: NaN, samples: [] };
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { n: s.length, median, min: s[0]!, max: s[s.length - 1]!, samples };
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank]!;
}

export interface Variant {
  readonly name: string;
  /** One timed repetition; may return extra data kept from the last round (e.g. a checksum). */
  run(): Promise<unknown> | unknown;
  /** Called once before the first round (untimed): warm-up, weight upload … */
  warmup?(): Promise<unknown> | unknown;
}

export interface InterleavedResult {
  readonly name: string;
  readonly ms: Summary;
  /** CPU time of the whole process (all threads) per round, when a CPU clock was given. */
  readonly cpuMs: Summary | undefined;
  readonly last: unknown;
}

/** Milliseconds of CPU time used so far by the process running the work (all its threads). */
export type CpuClock = () => number | Promise<number>;

export type Now = () => number;
const defaultNow: Now = () => performance.now();

/**
 * Runs variants interleaved: warm-up each once, then `rounds` rounds of A B C …, rotating the start so no variant is
 * always first after a pause. Same process, same page: the machine's noise hits every variant alike.
 */
export async function interleave(
  variants: readonly Variant[],
  rounds: number,
  onRound?: (round: number, name: string, ms: number) => void,
  cpu?: CpuClock,
  now: Now = defaultNow,
): Promise<InterleavedResult[]> {
  for (const v of variants) await v.warmup?.();
  const times = variants.map(() => [] as number[]);
  const cpuTimes = variants.map(() => [] as number[]);
  const last: unknown[] = variants.map(() => undefined);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (k + r) % variants.length;
      const v = variants[i]!;
      const c0 = cpu ? await cpu() : 0;
      const t0 = now();
      last[i] = await v.run();
      const ms = now() - t0;
      if (cpu) cpuTimes[i]!.push((await cpu()) - c0);
      times[i]!.push(ms);
      onRound?.(r, v.name, ms);
    }
  }
  return variants.map((v, i) => ({
    name: v.name,
    ms: summarize(times[i]!),
    cpuMs: cpu ? summarize(cpuTimes[i]!) : undefined,
    last: last[i],
  }));
}

/** Ratio of medians, plus the spread of per-round ratios (same round = same machine load). */
export function ratioOf(slow: Summary, fast: Summary): { median: number; min: number; max: number } {
  const n = Math.min(slow.samples.length, fast.samples.length);
  const per: number[] = [];
  for (let i = 0; i < n; i++) per.push(slow.samples[i]! / fast.samples[i]!);
  const s = summarize(per);
  return { median: slow.median / fast.median, min: s.min, max: s.max };
}
