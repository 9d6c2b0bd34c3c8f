#!/usr/bin/env node
// Builds @browser-bert/classify with esbuild: dist/index.js (browsers, workers, bundlers), dist/node.js (Node) and
// dist/classify.min.js (one minified file for a plain <script type="module">), each one self-contained ESM; then
// the type declarations with tsc. Fails when TF.js (or any file that imports it) reaches a bundle.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
const dist = path.join(here, 'dist');
rmSync(dist, { recursive: true, force: true });

const common = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
};

const builds = [
  { entryPoints: [path.join(here, 'src/index.ts')], outfile: path.join(dist, 'index.js'), platform: 'browser' },
  {
    entryPoints: [path.join(here, 'src/index.ts')],
    outfile: path.join(dist, 'classify.min.js'),
    platform: 'browser',
    minify: true,
  },
  { entryPoints: [path.join(here, 'src/node.ts')], outfile: path.join(dist, 'node.js'), platform: 'node' },
];

const inputs = new Set();
for (const b of builds) {
  const result = await build({ ...common, ...b });
  for (const input of Object.keys(result.metafile.inputs)) inputs.add(input);
}
const tfjs = [...inputs].filter(
  (f) =>
    f.includes('@tensorflow') || /packages\/core\/src\/(encoder\/bert-encoder|head\/model|runtime\/backend)/.test(f),
);
if (tfjs.length > 0) {
  console.error(`classify build: TF.js reached the runtime through:\n  ${tfjs.join('\n  ')}`);
  process.exit(1);
}
writeFileSync(path.join(dist, 'inputs.json'), JSON.stringify([...inputs].sort(), null, 2) + '\n');
execFileSync(
  process.execPath,
  [path.join(here, '../../node_modules/typescript/bin/tsc'), '-p', path.join(here, 'tsconfig.types.json')],
  {
    stdio: 'inherit',
  },
);
