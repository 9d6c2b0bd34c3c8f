/**
 * `npm run bench:runtime` — the tiny runtime (@browser-bert/classify) beside the full library and Transformers.js:
 * download size (minified + gzip, weights excluded), cold start in Chromium (classifier already in IndexedDB → first
 * prediction, a fresh page each time, runtime and library interleaved), and single-text latency p50/p99 with both
 * loaded in one page (interleaved). Prints a table; writes bench/results/runtime-latest.json.
 *   npm run bench:runtime [-- --rounds 9] [-- --texts 200] [-- --profile]   (--profile: runtime/profile.ts)
 * The classifier is fine-tuned (its encoder included in the bundle) on a RANDOM-INIT bert-tiny-shaped checkpoint:
 * figures are speed and size, not accuracy.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import type { BrowserContext } from 'playwright-core';
import { loadFromSource, trainClassifier } from '@browser-bert/core';
import { createFolderSource, initNodeBackend, wasmDir } from '@browser-bert/core/node';
import {
  CHROMIUM_PATH,
  SOURCE_CONDITION,
  folderRoutes,
  launchChromium,
  runPage,
  serveStatic,
} from '../packages/core/test-support/browser';
import { loadSms, repoRoot, smsPath } from './lib/data';
import { fmt } from './lib/format';
import { machineInfo } from './lib/machine';
import { ensureModel } from './lib/models';
import { percentile, summarize, type Summary } from './lib/stats';
import { profileColdStart } from './runtime/profile';
import { measureSizes } from './runtime/sizes';

const log = (m: string): void => void process.stderr.write(`${m}\n`);
const argValue = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const kb = (b: number): string => `${fmt(b / 1024, 1)} KB`;
const ms = (s: Summary): string => `${fmt(s.median, 0)} ms [${fmt(s.min, 0)}–${fmt(s.max, 0)}]`;

const PHASES = ['page', 'idb', 'assemble', 'first'] as const;
type Phases = Record<(typeof PHASES)[number], number>;
const PHASE_NAMES: Record<(typeof PHASES)[number], string> = {
  page: 'navigation → script running',
  idb: 'IndexedDB read (whole bundle)',
  assemble: 'weights converted and sent to the workers + tokenizer + head',
  first: 'first prediction',
};

async function buildPages(dir: string): Promise<void> {
  const pages = ['setup', 'cold-empty', 'cold-runtime', 'cold-library', 'cold-phases', 'latency'];
  await build({
    entryPoints: pages.map((p) => path.join(import.meta.dirname, `runtime/pages/${p}.page.ts`)),
    outdir: dir,
    entryNames: '[name]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // --profile: names kept, so the profile reads (whitespace and syntax still minified)
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: !process.argv.includes('--profile'),
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
    conditions: [SOURCE_CONDITION],
  });
  for (const p of pages) {
    await writeFile(
      path.join(dir, `${p}.html`),
      `<!doctype html><meta charset="utf-8"><title>${p}</title><script type="module" src="./${p}.page.js"></script>`,
    );
  }
  await cp(wasmDir(), path.join(dir, 'wasm'), { recursive: true });
}

async function coldStart(ctx: BrowserContext, url: string): Promise<{ sinceNavigation: number; sinceLoad: number }> {
  const page = await ctx.newPage();
  try {
    return (await runPage(page, url, 120_000)) as { sinceNavigation: number; sinceLoad: number };
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  if (!existsSync(smsPath)) {
    console.error(`bench:runtime needs ${smsPath} (the shared data folder beside the repo, ../shared); not found`);
    process.exit(2);
  }
  if (!existsSync(path.join(repoRoot, 'packages/classify/dist/classify.min.js'))) {
    console.error('bench:runtime needs the built runtime: run `npm run build` first');
    process.exit(2);
  }
  const rounds = argValue('rounds', 9);
  const nTexts = argValue('texts', 200);
  const machine = machineInfo(CHROMIUM_PATH);
  log(`machine: ${machine.cpuModel}, ${machine.cores} cores, load ${machine.loadAverage.join(' ')}`);

  log('sizes: bundling the runtime, the full library and Transformers.js with esbuild …');
  const sizes = await measureSizes();

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-bench-runtime-'));
  try {
    await initNodeBackend('wasm');
    const files = await ensureModel('bert-tiny', log);
    const model = await loadFromSource(createFolderSource(files.dir));
    const sms = loadSms();
    const train = { texts: sms.texts.slice(0, 400), labels: sms.labels.slice(0, 400) };
    log('training a fine-tuned classifier (1 epoch, top layer) on 400 SMS texts, random-init encoder …');
    const { classifier } = await trainClassifier({
      model,
      dataset: train,
      options: { seed: 1, epochs: 1, fineTuneLayers: 1 },
    });
    await classifier.save(path.join(tmp, 'clf'));
    classifier.dispose();
    model.dispose();

    const site = path.join(tmp, 'site');
    await mkdir(site);
    await buildPages(site);
    const texts = sms.texts.slice(1000, 1000 + nTexts);
    await writeFile(path.join(site, 'texts.json'), JSON.stringify(texts));
    const server = await serveStatic(site, folderRoutes({ '/clf/': path.join(tmp, 'clf') }));
    const browser = await launchChromium();
    try {
      const ctx = await browser.newContext();
      const q = (extra: Record<string, string> = {}) =>
        new URLSearchParams({ name: 'bench', text: texts[0]!, ...extra }).toString();
      const setup = await ctx.newPage();
      await runPage(setup, `${server.url}/setup.html?${q()}`);
      await setup.close();
      const cold: Record<'runtime' | 'library', { nav: number[]; load: number[] }> = {
        runtime: { nav: [], load: [] },
        library: { nav: [], load: [] },
      };
      const phases: Record<(typeof PHASES)[number], number[]> = { page: [], idb: [], assemble: [], first: [] };
      // the browser's own part of "since navigation", and the runtime's part beyond it (same round, paired)
      const empty: number[] = [];
      const runtimeOwn: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? (['runtime', 'library'] as const) : (['library', 'runtime'] as const);
        for (const k of order) {
          const res = await coldStart(ctx, `${server.url}/cold-${k}.html?${q()}`);
          cold[k].nav.push(res.sinceNavigation);
          cold[k].load.push(res.sinceLoad);
        }
        empty.push((await coldStart(ctx, `${server.url}/cold-empty.html?${q()}`)).sinceNavigation);
        runtimeOwn.push(cold.runtime.nav.at(-1)! - empty.at(-1)!);
        const ph = (await coldStart(ctx, `${server.url}/cold-phases.html?${q()}`)) as unknown as Phases;
        for (const k of PHASES) phases[k].push(ph[k]);
        log(`cold start round ${r + 1}/${rounds}`);
      }
      log(`latency: ${texts.length} single texts, runtime and library interleaved in one page …`);
      const lat = await ctx.newPage();
      const latency = (await runPage(lat, `${server.url}/latency.html?${q()}`)) as {
        ms: Record<'runtime' | 'library', number[]>;
        maxDiff: number;
        threads: number;
      };
      await lat.close();
      const profiled = process.argv.includes('--profile')
        ? await profileColdStart(
            ctx,
            `${server.url}/cold-runtime.html?${q()}`,
            path.join(repoRoot, 'bench/results/runtime-cold.cpuprofile'),
          )
        : [];
      await ctx.close();

      const rows: string[] = [];
      rows.push('## Download size (minified, gzip -9; weights excluded)');
      for (const s of sizes) {
        const total = s.parts.reduce((a, p) => a + p.gzip, 0);
        rows.push(`- ${s.what}: **${kb(total)}** gz`);
        for (const p of s.parts) rows.push(`    - ${p.name}: ${kb(p.bytes)} → ${kb(p.gzip)} gz`);
      }
      const runtimeGz = sizes[0]!.parts.reduce((a, p) => a + p.gzip, 0);
      rows.push(`- runtime target ≤ 100 KB gz: ${runtimeGz <= 100 * 1024 ? 'met' : 'NOT met'}`);
      rows.push('');
      rows.push(`## Cold start in Chromium (IndexedDB → first prediction; ${rounds} fresh pages each, interleaved)`);
      for (const k of ['runtime', 'library'] as const) {
        rows.push(
          `- ${k}: since navigation ${ms(summarize(cold[k].nav))}; loadClassifier → first prediction ${ms(summarize(cold[k].load))}`,
        );
      }
      rows.push(
        `- the runtime on a bundle object read first (the path of URL, zip and folder bundles: weights converted on the page; medians, separate pages): ${PHASES.map((k) => `${PHASE_NAMES[k]} ${fmt(summarize(phases[k]).median, 0)} ms`).join(' · ')}`,
      );
      const own = summarize(runtimeOwn);
      const load = summarize(cold.runtime.load);
      rows.push(
        `- a fresh page with no runtime (the browser's own part of "since navigation"): ${ms(summarize(empty))}; the runtime's page beyond it (its script loaded and run, the classifier loaded, the first prediction; paired by round): ${ms(own)}`,
      );
      rows.push(
        `- runtime target ≤ 300 ms (medians of loadClassifier → first prediction, and of the runtime's page beyond an empty one): ${Math.max(load.median, own.median) <= 300 ? 'met' : 'NOT met'}`,
      );
      rows.push('');
      rows.push(
        `## Single-text latency (${texts.length} SMS texts, one page, interleaved; kernel threads ${latency.threads})`,
      );
      for (const k of ['runtime', 'library'] as const) {
        const xs = latency.ms[k];
        rows.push(`- ${k}: p50 ${fmt(percentile(xs, 50), 1)} ms, p99 ${fmt(percentile(xs, 99), 1)} ms`);
      }
      rows.push(`- max |runtime − library| over the texts' probabilities: ${latency.maxDiff.toExponential(1)}`);
      if (profiled.length > 0) rows.push('', ...profiled);
      console.log(rows.join('\n'));
      const out = path.join(repoRoot, 'bench/results/runtime-latest.json');
      await mkdir(path.dirname(out), { recursive: true });
      await writeFile(
        out,
        JSON.stringify(
          { date: new Date().toISOString(), machine, rounds, sizes, cold, empty, runtimeOwn, phases, latency },
          null,
          1,
        ) + '\n',
      );
      log(`wrote ${path.relative(repoRoot, out)}`);
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
