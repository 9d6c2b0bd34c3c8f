/**
 * `browser-bert bench [options]`: runs the repository's benchmark (bench/run.ts, the same as `npm run bench`).
 * The benchmark lives beside the source (it needs ../shared and Chromium), so this works from a checkout.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '@browser-bert/core';
import type { Command } from '../io.ts';

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../bench/run.ts');

const bench: Command = {
  name: 'bench',
  summary: 'run the benchmark (Node wasm + headless Chromium, interleaved); same as npm run bench',
  usage: `Usage: browser-bert bench [--quick] [--rounds N] [--only a,b] [...]

Runs bench/run.ts from the source checkout: embed/tokenizer/training figures in Node (wasm) and headless Chromium,
against the tutorial's pipeline and ONNX Runtime Web, interleaved; prints a table and writes bench/results/*.json.
Options are passed through; see bench/README.md.`,
  async run(io) {
    if (!existsSync(script)) {
      throw new UsageError(`the benchmark script ${script} is not here`, 'run it from a browser-bert source checkout');
    }
    const child = spawn(
      process.execPath,
      ['--conditions=@browser-bert/source', '--import', 'tsx', script, ...io.argv],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: io.env,
      },
    );
    child.stdout.pipe(io.stdout as NodeJS.WritableStream, { end: false });
    child.stderr.pipe(io.stderr as NodeJS.WritableStream, { end: false });
    return new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  },
};
export default bench;
