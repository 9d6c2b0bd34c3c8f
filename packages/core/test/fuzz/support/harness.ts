/**
 * The one property every reader must satisfy on hostile input (issue 14): it returns a valid result, or throws one
 * of the project's typed errors (BrowserBertError) with a non-empty hint and a one-line message — never another
 * exception, never a run slower than SLOW_MS (a hang is killed by the watchdog and reported with its replay
 * command), never more freshly allocated buffer bytes than the reader's stated bound.
 *
 * Budget (environment): FUZZ_RUNS = runs per property (default: the suite's small number, set per property),
 * FUZZ_SECONDS = time per property instead (runs until then; `npm run fuzz` sets it), FUZZ_SEED (default fixed, so
 * `npm test` is reproducible), FUZZ_PATH = replay one failing run (printed by fast-check with the seed).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { BrowserBertError } from '../../../src/errors';
import { metered, meteredAsync } from './alloc-meter';
import { startWatchdog, type Watchdog } from './watchdog';

export const SEED = Number(process.env.FUZZ_SEED ?? 0x14fa5e);
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : undefined;
const SECONDS = process.env.FUZZ_SECONDS ? Number(process.env.FUZZ_SECONDS) : undefined;
const PATH = process.env.FUZZ_PATH;
/** Replaying one input (FUZZ_PATH): the tests skip their checks on the mix of outcomes. */
export const REPLAY = PATH !== undefined;
/** A single run slower than this fails the property (inputs are ≤ ~1 MB; real runs take milliseconds). */
export const SLOW_MS = Number(process.env.FUZZ_SLOW_MS ?? 3000);
/** A run still going after this is a hang: the watchdog reports it and kills the process. */
const HANG_MS = Number(process.env.FUZZ_HANG_MS ?? 30_000);

/** The default allocation bound: 64 × the input's size + 16 MiB (see each reader's own limit in its file). */
export const allocBound = (inputBytes: number) => 64 * inputBytes + 16 * 1024 * 1024;

/** Wraps an input so fast-check's report stays short and never recurses into a 5,000-deep nesting. */
class Shown<I> {
  constructor(readonly value: I) {}
  [fc.toStringMethod](): string {
    const v = this.value as unknown;
    if (v instanceof Uint8Array) {
      const hex = Buffer.from(v.subarray(0, 256)).toString('hex');
      return `<${v.byteLength} bytes: ${hex}${v.byteLength > 256 ? '…' : ''}>`;
    }
    let s: string;
    try {
      s = JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? `<${x.byteLength} bytes>` : x)) ?? String(v);
    } catch (e) {
      s = `<unprintable: ${(e as Error).message}>`;
    }
    return s.length > 2000 ? `${s.slice(0, 2000)}… (${s.length} chars)` : s;
  }
}

let watchdog: Watchdog | undefined;
export async function stopWatchdog(): Promise<void> {
  await watchdog?.stop();
  watchdog = undefined;
}

/** Approximate bytes of a parsed JSON value (iterative: inputs nest thousands deep). */
export function jsonSize(root: unknown): number {
  let n = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') n += v.length + 2;
    else if (Array.isArray(v)) {
      n += 2;
      for (const x of v) stack.push(x);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        n += k.length + 4;
        stack.push(x);
      }
    } else n += 8;
  }
  return n;
}

/** Replay mode: the input about to run, in full, to a file (a hang kills the process before fast-check reports). */
function dumpReplay(name: string, input: unknown): void {
  const file = path.join(os.tmpdir(), `fuzz-replay-${name.replace(/\W+/g, '-')}.txt`);
  writeFileSync(
    file,
    new Shown(input)[fc.toStringMethod]().slice(0, 1) === '<'
      ? String(new Shown(input)[fc.toStringMethod]())
      : full(input),
  );
  process.stderr.write(`fuzz replay: input written to ${file}\n`);
}
function full(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? Buffer.from(x).toString('base64') : x), 1);
  } catch (e) {
    return `<unprintable: ${(e as Error).message}>`;
  }
}

/** How a thrown value fails the property, or undefined when it is an acceptable typed error. */
export function badError(e: unknown): string | undefined {
  if (!(e instanceof BrowserBertError)) {
    const err = e as Error;
    return `untyped ${err?.name ?? typeof e}: ${err?.message ?? String(e)}\n${err?.stack ?? ''}`;
  }
  if (e.hint.trim() === '') return `${e.name} without a hint: ${e.message}`;
  if (/[\r\n\u2028\u2029]/.test(e.message)) return `${e.name} message is not one line: ${JSON.stringify(e.message)}`;
  return undefined;
}

export interface ReaderProperty<I, R> {
  /** Shown in failures, with the seed. */
  readonly name: string;
  readonly input: fc.Arbitrary<I>;
  /** Runs the reader; sync or async. */
  readonly read: (input: I) => R | Promise<R>;
  /** Asserts that a returned value is valid (throw to fail). */
  readonly check?: (result: Awaited<R>, input: I) => void;
  /** Bytes of the input, for the allocation bound. */
  readonly size: (input: I) => number;
  /** Allocation bound in bytes for an input of that size. Default allocBound. */
  readonly bound?: (inputBytes: number) => number;
  /** Runs in `npm test` (FUZZ_RUNS / FUZZ_SECONDS override). */
  readonly runs: number;
  /** A run slower than this fails (default SLOW_MS); for readers that do real work, e.g. load and run a model. */
  readonly slowMs?: number;
}

export interface FuzzStats {
  runs: number;
  accepted: number;
  refused: number;
  /** Time spent inside the reader (ms), the rest being input generation. */
  readMs: number;
}

/** fast-check parameters for this budget (seed, runs or time, replay path); for properties written directly. */
export function params(runs: number): fc.Parameters<unknown> {
  const base: fc.Parameters<unknown> = { seed: SEED, endOnFailure: false, includeErrorInReport: true };
  if (PATH) return { ...base, path: PATH, numRuns: 1 }; // replay one input, shrunk
  // Long budgets stop at the first failure without shrinking (shrinking big inputs can take longer than the run):
  // the report's seed and path replay it, shrunk, with FUZZ_PATH.
  if (SECONDS || RUNS) Object.assign(base, { endOnFailure: true });
  if (SECONDS)
    return {
      ...base,
      numRuns: Number.MAX_SAFE_INTEGER,
      interruptAfterTimeLimit: SECONDS * 1000,
      markInterruptAsFailure: false,
    };
  return { ...base, numRuns: RUNS ?? runs };
}

function verdict<I, R>(
  p: ReaderProperty<I, R>,
  input: I,
  out: { value?: unknown; error?: unknown; bytes: number },
  ms: number,
  stats: FuzzStats,
): void {
  stats.runs++;
  stats.readMs += ms;
  if ('error' in out && out.error !== undefined) {
    const bad = badError(out.error);
    if (bad) assert.fail(bad);
    stats.refused++;
  } else {
    p.check?.(out.value as Awaited<R>, input);
    stats.accepted++;
  }
  const limit = (p.bound ?? allocBound)(p.size(input));
  assert.ok(out.bytes <= limit, `allocated ${out.bytes} bytes for a ${p.size(input)}-byte input (bound ${limit})`);
  const slow = p.slowMs ?? SLOW_MS;
  assert.ok(ms <= slow, `one run took ${ms.toFixed(0)} ms (limit ${slow})`);
}

/** Checks the property on a synchronous reader; returns how many inputs were accepted / refused. */
export function fuzzSync<I, R>(p: ReaderProperty<I, R>): FuzzStats {
  watchdog ??= startWatchdog(HANG_MS);
  const stats: FuzzStats = { runs: 0, accepted: 0, refused: 0, readMs: 0 };
  let index = 0;
  fc.assert(
    fc.property(
      p.input.map((v) => new Shown(v)),
      ({ value: input }) => {
        watchdog!.start(
          `${p.name}: replay with FUZZ_SEED=${SEED} FUZZ_PATH=${index++} (or the path fast-check prints)`,
        );
        if (PATH) dumpReplay(p.name, input);
        const t0 = performance.now();
        const out = metered(() => p.read(input) as R);
        const ms = performance.now() - t0;
        watchdog!.end();
        verdict(p, input, out, ms, stats);
      },
    ),
    params(p.runs),
  );
  return stats;
}

/** Same for async readers (timed per run; a hang inside a promise is killed by the watchdog). */
export async function fuzzAsync<I, R>(p: ReaderProperty<I, R>): Promise<FuzzStats> {
  watchdog ??= startWatchdog(HANG_MS);
  const stats: FuzzStats = { runs: 0, accepted: 0, refused: 0, readMs: 0 };
  let index = 0;
  await fc.assert(
    fc.asyncProperty(
      p.input.map((v) => new Shown(v)),
      async ({ value: input }) => {
        watchdog!.start(
          `${p.name}: replay with FUZZ_SEED=${SEED} FUZZ_PATH=${index++} (or the path fast-check prints)`,
        );
        if (PATH) dumpReplay(p.name, input);
        const t0 = performance.now();
        // Awaited to the end, never raced against a timer: a run going on in the background would overlap the next
        // one (and its tensor counts). A real hang is killed by the watchdog, with its replay path.
        const out = await meteredAsync(() => Promise.resolve(p.read(input)));
        const ms = performance.now() - t0;
        watchdog!.end();
        verdict(p, input, out, ms, stats);
      },
    ),
    params(p.runs),
  );
  return stats;
}
