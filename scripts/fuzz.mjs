#!/usr/bin/env node
// The fuzz properties of packages/core/test/fuzz with a large budget (npm test runs them with a small fixed one).
//   npm run fuzz                          5 minutes per property, a new random seed (printed)
//   npm run fuzz -- --seconds 3600        one hour per property (there are 10 properties)
//   npm run fuzz -- --runs 100000         a number of inputs per property instead of a time
//   npm run fuzz -- --seed 1374814        replay a seed; add --path P to replay one failing input
//   npm run fuzz -- torch tfjs            only the files whose name contains one of these words
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'packages/core/test/fuzz');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const seconds = opt('seconds');
const runs = opt('runs');
const seed = opt('seed') ?? String(Math.floor(Math.random() * 2 ** 31));
const path = opt('path');
const env = { ...process.env, FUZZ_SEED: seed };
if (runs) env.FUZZ_RUNS = runs;
else env.FUZZ_SECONDS = seconds ?? '300';
if (path) env.FUZZ_PATH = path;

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.fuzz.test.ts') && (args.length === 0 || args.some((a) => f.includes(a))))
  .map((f) => relative(root, join(dir, f)));
console.log(
  `fuzz: ${files.length} files, ${runs ? `${runs} runs` : `${env.FUZZ_SECONDS} s`} per property, seed ${seed} ` +
    `(replay: npm run fuzz -- --seed ${seed} …)`,
);
const result = spawnSync(
  process.execPath,
  ['--conditions=@browser-bert/source', '--import', 'tsx', '--test', '--test-concurrency=1', ...files],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...env, NODE_OPTIONS: '--max-old-space-size=8192' },
  },
);
process.exit(result.status ?? 1);
