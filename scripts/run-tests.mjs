#!/usr/bin/env node
// Runs every *.test.ts next to the code with Node's own test runner (through tsx).
//   node scripts/run-tests.mjs            all tests (unit + browser)
//   node scripts/run-tests.mjs --unit     skip *.browser.test.ts
//   node scripts/run-tests.mjs --browser  only *.browser.test.ts
//   node scripts/run-tests.mjs path/a.test.ts ...  just those files
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const onlyUnit = args.includes('--unit');
const onlyBrowser = args.includes('--browser');
const explicit = args.filter((a) => !a.startsWith('--'));

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

let files = explicit.length > 0 ? explicit : [];
if (files.length === 0) {
  for (const top of ['packages', 'apps', 'consumers', 'scripts', 'tools', 'examples']) {
    try {
      walk(join(root, top), files);
    } catch {
      /* folder absent */
    }
  }
  files.sort();
  if (onlyUnit) files = files.filter((f) => !f.endsWith('.browser.test.ts'));
  if (onlyBrowser) files = files.filter((f) => f.endsWith('.browser.test.ts'));
}
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--conditions=@browser-bert/source',
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-timeout=900000',
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=8192' } },
);
process.exit(result.status ?? 1);
