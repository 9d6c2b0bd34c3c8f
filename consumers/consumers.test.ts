// The packages as users get them: `npm pack` tarballs installed into fresh projects outside the workspace (their
// dependencies from the registry), used from a Node ESM script, a strict TypeScript project, the `browser-bert`
// command, a fresh Vite app and a plain static page (the web app's "use it on your site" snippets, as written).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { siteSnippets } from '../apps/web/src/lib/site-snippet';
import { initNodeBackend } from '../packages/core/src/node';
import { parseDataset } from '../packages/core/src/data';
import { trainClassifier } from '../packages/core/src/train/pipeline';
import { fixtureModel } from '../packages/core/test-support/fixture-model';
import { launchChromium, runPage, serveStatic, skipUnlessChromium } from '../packages/core/test-support/browser';
import { sharedPath, skipUnlessShared } from '../packages/core/test-support/shared';

const root = path.resolve(import.meta.dirname, '..');
const skip = skipUnlessShared('data/sms-spam/bigml-subset.tsv') || skipUnlessShared('data/bert-base-uncased/vocab.txt');
const NAME = 'my-classifier';
const TRY = 'Win a free cruise, reply now';

let tmp = '';
const tarballs: Record<string, string> = {};
let expected: { label: string; scores: Record<string, number> };

/** Runs a command; on failure the error shows its output. */
function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000 });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`.slice(-4000));
  }
  return r.stdout;
}

/** A fresh npm project outside the workspace with these packages installed (tarballs or registry specs). */
async function project(name: string, deps: readonly string[]): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }, null, 2));
  // npm_config_* from an outer `npm test` would leak workspace settings into the child npm.
  const env = Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => k.startsWith('npm_'))
      .map((k) => [k, '']),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...deps], dir, env);
  return dir;
}

before(async () => {
  if (skip) return;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-consumers-'));
  const packs = path.join(tmp, 'packs');
  await mkdir(packs);
  const out = run(
    'npm',
    [
      'pack',
      '--json',
      '--pack-destination',
      packs,
      '-w',
      '@browser-bert/core',
      '-w',
      '@browser-bert/classify',
      '-w',
      'browser-bert',
    ],
    root,
  );
  for (const p of JSON.parse(out) as { name: string; filename: string }[])
    tarballs[p.name] = path.join(packs, p.filename);
  // A checkpoint in HF layout and a fine-tuned (self-contained) classifier, made with the workspace's library.
  await initNodeBackend('wasm');
  const model = await fixtureModel(path.join(tmp, 'model'), { shape: 'bert-tiny', seed: 41 });
  try {
    const data = parseDataset(await readFile(sharedPath('data/sms-spam/bigml-subset.tsv')!, 'utf8'));
    const small = { texts: data.texts.slice(0, 300), labels: data.labels.slice(0, 300) };
    const options = { seed: 2, epochs: 1, fineTuneLayers: 1 } as const;
    const { classifier } = await trainClassifier({ model, dataset: small, options });
    await classifier.save(path.join(tmp, 'site', NAME));
    expected = (await classifier.classify([TRY]))[0]!;
    classifier.dispose();
  } finally {
    model.dispose();
  }
});
after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('the tarballs hold the built packages only: dist, types, README, LICENSE; no tests', { skip }, () => {
  for (const [name, file] of Object.entries(tarballs)) {
    const list = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n');
    assert.ok(list.includes('package/LICENSE') && list.includes('package/README.md'), name);
    assert.ok(
      list.some((f) => f.startsWith('package/dist/')),
      `${name} has no dist/`,
    );
    assert.ok(!list.some((f) => /\.test\.ts$|\/test\/|test-support/.test(f)), `${name} ships test code`);
  }
});

let nodeApp = '';

test(
  'Node ESM: install core + classify + CLI, train, save, reload, predict; the runtime agrees',
  { skip },
  async (t) => {
    nodeApp = await project('node-app', [
      tarballs['@browser-bert/core']!,
      tarballs['@browser-bert/classify']!,
      tarballs['browser-bert']!,
    ]);
    await writeFile(
      path.join(nodeApp, 'app.mjs'),
      `import { readFile } from 'node:fs/promises';
import { loadClassifier, parseDataset, trainClassifier } from '@browser-bert/core';
import { initNodeBackend, loadNode } from '@browser-bert/core/node';
import { loadClassifier as loadRuntime } from '@browser-bert/classify';
const [modelDir, dataFile, out] = process.argv.slice(2);
await initNodeBackend('wasm');
const model = await loadNode(modelDir);
const dataset = parseDataset(await readFile(dataFile, 'utf8'));
const { classifier, report } = await trainClassifier({ model, dataset, options: { epochs: 2, seed: 1 } });
await classifier.save(out);
classifier.dispose();
model.dispose();
const clf = await loadClassifier(out);
const texts = ['WINNER! Claim your free prize now', 'see you at lunch?'];
const lib = await clf.predictProba(texts);
const labels = (await clf.classify(texts)).map((p) => p.label);
clf.dispose();
const rt = await loadRuntime(out);
const ours = await rt.predictProba(texts);
rt.dispose();
const diff = Math.max(...Array.from(lib, (x, i) => Math.abs(x - ours[i])));
console.log(JSON.stringify({ labels, testN: report.test.n, randomInit: report.encoder.random_init, diff }));
`,
    );
    const data = sharedPath('data/sms-spam/bigml-subset.tsv')!;
    const r = JSON.parse(
      run('node', ['app.mjs', path.join(tmp, 'model'), data, path.join(tmp, 'node-out')], nodeApp),
    ) as {
      labels: string[];
      testN: number;
      randomInit: boolean;
      diff: number;
    };
    t.diagnostic(JSON.stringify(r));
    assert.equal(r.labels.length, 2);
    assert.ok(r.testN > 50);
    assert.equal(r.randomInit, true);
    assert.ok(r.diff <= 1e-5, `runtime vs library ${r.diff}`);
    assert.ok(existsSync(path.join(tmp, 'node-out', 'manifest.json')));
  },
);

test('the installed CLI: npx browser-bert --help and train', { skip }, async () => {
  assert.ok(nodeApp, 'needs the Node app');
  const help = run('npx', ['browser-bert', '--help'], nodeApp);
  assert.match(help, /Usage: browser-bert <command>/);
  assert.match(help, /train\s+train a classifier/);
  const out = path.join(tmp, 'cli-out');
  const data = sharedPath('data/sms-spam/bigml-subset.tsv')!;
  run(
    'npx',
    ['browser-bert', 'train', '--model', path.join(tmp, 'model'), '--data', data, '--out', out, '--epochs', '2'],
    nodeApp,
    {
      BROWSER_BERT_CACHE: path.join(tmp, 'cache'),
    },
  );
  const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { labels: string[] };
  assert.deepEqual(manifest.labels, ['ham', 'spam']);
  // and no tsx anywhere in what the CLI installed
  assert.ok(!existsSync(path.join(nodeApp, 'node_modules', 'tsx')), 'the CLI pulled in tsx');
});

test(
  'TypeScript: a strict consumer type-checks against the published .d.ts (nodenext and bundler)',
  { skip },
  async () => {
    assert.ok(nodeApp, 'needs the Node app');
    const tsVersion = (
      JSON.parse(await readFile(path.join(root, 'node_modules/typescript/package.json'), 'utf8')) as { version: string }
    ).version;
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', `typescript@${tsVersion}`, '@types/node@20'],
      nodeApp,
    );
    const good = `import { trainClassifier, parseDataset, type TrainResult, UsageError, HubError } from '@browser-bert/core';
import { initNodeBackend, loadNode, type NodeLoadOptions } from '@browser-bert/core/node';
import { loadClassifier, type RuntimeClassifier, type Classification } from '@browser-bert/classify';
export async function go(dir: string, text: string): Promise<Classification[]> {
  await initNodeBackend('wasm');
  const options: NodeLoadOptions = { maxLength: 64 };
  const model = await loadNode(dir, options);
  const result: TrainResult = await trainClassifier({ model, dataset: parseDataset(text), options: { pooling: 'cls' } });
  const first = result.report.test.per_class[result.report.labels[0] ?? ''];
  if (first) console.log(first.f1.toFixed(3));
  const rt: RuntimeClassifier = await loadClassifier(dir);
  try {
    return await rt.classify(['a', 'b']);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof HubError && e.kind === 'offline')) throw e;
    return [];
  }
}
`;
    const bad = `import { loadClassifier } from '@browser-bert/classify';
const rt = await loadClassifier('x');
await rt.classify('not an array');
`;
    // TF.js's own typings are not strict-clean, so a project using the full library sets skipLibCheck (as Vite's and
    // most templates do); the runtime package's declarations are checked too, with skipLibCheck off.
    const runtimeOnly = `import { loadClassifier, type LoadOptions, StorageError } from '@browser-bert/classify';
const options: LoadOptions = { threads: 2 };
const rt = await loadClassifier('./my-classifier/', options).catch((e: unknown) => {
  if (e instanceof StorageError) console.log(e.hint);
  throw e;
});
const scores: Float32Array = await rt.predictProba(['x']);
const top: string | undefined = (await rt.classify(['x']))[0]?.label;
console.log(scores.length, top, rt.labels.length, rt.report?.test.accuracy.toFixed(3));
export {};
`;
    const tsconfig = (moduleResolution: string, files: string[], skipLibCheck: boolean) =>
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: moduleResolution === 'bundler' ? 'ESNext' : 'NodeNext',
          moduleResolution,
          strict: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck,
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          types: ['node'],
          noEmit: true,
        },
        files,
      });
    await writeFile(path.join(nodeApp, 'good.ts'), good);
    await writeFile(path.join(nodeApp, 'runtime-only.ts'), runtimeOnly);
    await writeFile(path.join(nodeApp, 'bad.ts'), bad);
    for (const mr of ['nodenext', 'bundler']) {
      await writeFile(path.join(nodeApp, `tsconfig.${mr}.json`), tsconfig(mr, ['good.ts'], true));
      run('npx', ['tsc', '-p', `tsconfig.${mr}.json`], nodeApp);
      await writeFile(path.join(nodeApp, `tsconfig.runtime.${mr}.json`), tsconfig(mr, ['runtime-only.ts'], false));
      run('npx', ['tsc', '-p', `tsconfig.runtime.${mr}.json`], nodeApp);
    }
    // and the types do reject a wrong call (so the check above is a real one)
    await writeFile(path.join(nodeApp, 'tsconfig.bad.json'), tsconfig('nodenext', ['bad.ts'], false));
    const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.bad.json'], { cwd: nodeApp, encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /bad\.ts.*Argument of type 'string' is not assignable/s);
  },
);

/** Runs a built page in Chromium and returns what its script reported. */
async function classifyInChromium(dir: string): Promise<{ label: string; scores: Record<string, number> }> {
  const server = await serveStatic(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    return (await runPage(page, `${server.url}/index.html`, 300_000)) as {
      label: string;
      scores: Record<string, number>;
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** The snippet's own variables, reported to the test (and failures too). */
const REPORT = `(globalThis).__result = { label: result.label, scores: result.scores }; (globalThis).__done = true;`;
const ON_ERROR = `<script>addEventListener('unhandledrejection', (e) => (globalThis.__done = String(e.reason)));
addEventListener('error', (e) => (globalThis.__done = String(e.message)));</script>`;

function assertSameAsLibrary(got: { label: string; scores: Record<string, number> }): void {
  assert.equal(got.label, expected.label);
  for (const [l, p] of Object.entries(expected.scores))
    assert.ok(Math.abs(got.scores[l]! - p) <= 1e-5, `${l}: ${got.scores[l]} vs ${p}`);
}

test(
  "a fresh Vite app (vanilla TS) with the app's bundler snippet: builds and classifies in Chromium",
  { skip: skip || skipUnlessChromium() },
  async (t) => {
    const viteVersion = (
      JSON.parse(await readFile(path.join(root, 'node_modules/vite/package.json'), 'utf8')) as { version: string }
    ).version;
    const app = await project('vite-app', [tarballs['@browser-bert/classify']!, `vite@${viteVersion}`]);
    await mkdir(path.join(app, 'src'));
    await writeFile(
      path.join(app, 'index.html'),
      `<!doctype html><meta charset="utf-8"><title>consumer</title>${ON_ERROR}<script type="module" src="/src/main.ts"></script>`,
    );
    await writeFile(path.join(app, 'src/main.ts'), `${siteSnippets(NAME).bundler}\n${REPORT}\nexport {};\n`);
    await cp(path.join(tmp, 'site', NAME), path.join(app, 'public', NAME), { recursive: true });
    await writeFile(
      path.join(app, 'vite.config.js'),
      `export default { base: './', build: { target: 'es2022' }, logLevel: 'warn' };\n`,
    );
    run('npx', ['vite', 'build'], app);
    const got = await classifyInChromium(path.join(app, 'dist'));
    t.diagnostic(JSON.stringify(got));
    assertSameAsLibrary(got);
  },
);

test(
  "a plain page with classify.min.js (the app's page snippet): classifies in Chromium",
  { skip: skip || skipUnlessChromium() },
  async () => {
    assert.ok(nodeApp, 'needs the installed package');
    const dir = path.join(tmp, 'static');
    await cp(path.join(tmp, 'site', NAME), path.join(dir, NAME), { recursive: true });
    await cp(
      path.join(nodeApp, 'node_modules/@browser-bert/classify/dist/classify.min.js'),
      path.join(dir, 'classify.min.js'),
    );
    const page = siteSnippets(NAME).page.replace('</script>', `  ${REPORT}\n</script>`);
    await writeFile(
      path.join(dir, 'index.html'),
      `<!doctype html><meta charset="utf-8"><title>plain</title>${ON_ERROR}\n${page}\n`,
    );
    assertSameAsLibrary(await classifyInChromium(dir));
  },
);
