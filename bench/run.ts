/**
 * `npm run bench` — browser-bert's benchmark: a script that prints figures (not a timed test).
 * Runs the suite in Node (tfjs wasm, 1 thread) and in headless Chromium (tfjs wasm SIMD + threads, COOP/COEP),
 * every comparison interleaved in the same process/page; prints a table; writes bench/results/<ts>.json + latest.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CHROMIUM_PATH } from '../packages/core/test-support/browser';
import { parseArgs } from './lib/args';
import { loadSms, smsPath, vocabPath } from './lib/data';
import { fmt, fmtBytes } from './lib/format';
import { machineInfo } from './lib/machine';
import { ensureModel } from './lib/models';
import { renderTable, type Column } from './lib/table';
import { runBrowser, type BrowserRun } from './browser-env';
import { runNode } from './node-env';
import type { EnvResult, Row } from './suite/types';

const log = (m: string): void => {
  process.stderr.write(`${m}\n`);
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.merge) return mergeResults(args.merge);
  for (const f of [smsPath, vocabPath]) {
    if (!existsSync(f)) {
      console.error(`bench needs ${f} (the shared data folder beside the repo, ../shared); not found`);
      process.exit(2);
    }
  }
  const started = new Date();
  const machine = machineInfo(CHROMIUM_PATH);
  log(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, load ${machine.loadAverage.join(' ')}, node ${machine.node}`,
  );
  const full = loadSms();
  const keepEvery = args.texts ? Math.max(1, Math.floor(full.texts.length / args.texts)) : 1;
  const corpus = {
    texts: full.texts.filter((_, i) => i % keepEvery === 0).slice(0, args.texts),
    labels: full.labels.filter((_, i) => i % keepEvery === 0).slice(0, args.texts),
  };
  const tiny = await ensureModel('bert-tiny', log);
  const minilm =
    args.sections.includes('minilm') || args.sections.includes('ftminilm')
      ? await ensureModel('minilm', log)
      : undefined;
  const base = { rounds: args.rounds, quick: args.quick, large: args.large, sections: args.sections };

  const results: Record<string, EnvResult | BrowserRun> = {};
  const columns: Column[] = [];
  if (args.envs.includes('node')) {
    const r = await runNode(
      corpus,
      tiny,
      minilm,
      { ...base, sections: args.nodeSections, tutorialStride: args.fullTutorial ? 1 : 8 },
      log,
    );
    results.node = r;
    columns.push({ title: `node wasm ${r.info.simd ? 'SIMD' : ''} 1 thread`, rows: r.rows });
  }
  if (args.envs.includes('chromium')) {
    if (!existsSync(CHROMIUM_PATH)) {
      log(`no ${CHROMIUM_PATH}: skipping Chromium (apt-get install chromium)`);
    } else {
      const mainSections = base.sections.filter((s) => s !== 'memory');
      if (mainSections.length > 0) {
        const r = await runBrowser(
          corpus,
          tiny,
          minilm,
          { ...base, sections: mainSections, tutorialStride: args.fullTutorial ? 1 : 8 },
          args.threads,
          log,
        );
        results.chromium = r;
        const tab: Row[] = mainSections.includes('ftminilm')
          ? [
              {
                section: 'ftminilm',
                name: 'Chromium tab peak memory footprint over this page run (renderer RssAnon + VmSwap, target ≤ 400 MB)',
                display: r.rendererFootprint ? fmtBytes(r.rendererFootprint.footprint) : 'n/a (could not read /proc)',
                value: r.rendererFootprint?.footprint,
              },
            ]
          : [];
        columns.push({ title: `chromium wasm SIMD ${r.info.tfThreads} threads`, rows: [...r.rows, ...tab] });
      }
      if (base.sections.includes('memory')) {
        // A fresh browser, so the renderer's peak RSS belongs to the SMS pipeline alone.
        const r = await runBrowser(
          corpus,
          tiny,
          minilm,
          { ...base, sections: ['memory'], tutorialStride: 8 },
          args.threads,
          log,
        );
        results.chromiumMemory = r;
        const rows: Row[] = [
          ...r.rows,
          {
            section: 'memory',
            name: 'Chromium tab peak RSS (renderer VmHWM, fresh browser, target ≤ 250 MB)',
            display: r.rendererPeakRss ? fmtBytes(r.rendererPeakRss) : 'n/a (could not read /proc)',
            value: r.rendererPeakRss,
          },
          {
            section: 'memory',
            name: 'Chromium tab peak memory footprint (renderer RssAnon + VmSwap every 50 ms, as Chrome counts it)',
            display: r.rendererFootprint
              ? `${fmtBytes(r.rendererFootprint.footprint)} (+ mapped files, mostly Chromium's code: ${fmtBytes(r.rendererFootprint.rssFile)})`
              : 'n/a (could not read /proc)',
            value: r.rendererFootprint?.footprint,
          },
          {
            section: 'memory',
            name: 'Chromium CDP JSHeapUsedSize at end',
            display: fmtBytes(r.cdpMetrics.JSHeapUsedSize ?? NaN),
            value: r.cdpMetrics.JSHeapUsedSize,
          },
        ];
        const col = columns.find((c) => c.title.startsWith('chromium'));
        if (col) columns[columns.indexOf(col)] = { title: col.title, rows: [...col.rows, ...rows] };
        else columns.push({ title: `chromium wasm SIMD ${r.info.tfThreads} threads`, rows });
      }
      if (args.threadSweep && base.sections.includes('embed') && args.threads > 1) {
        const r = await runBrowser(
          corpus,
          tiny,
          undefined,
          { ...base, sections: ['embed'], tutorialStride: 8 },
          1,
          log,
        );
        results.chromium1Thread = r;
        columns.push({ title: 'chromium wasm SIMD 1 thread', rows: r.rows });
      }
    }
  }
  const table = renderTable(columns);
  const finished = new Date();
  const header = [
    `browser-bert bench — ${finished.toISOString()} — ${machine.cpuModel}, ${machine.cores} cores, load ${machine.loadAverage.join(' ')}`,
    `bert-tiny-shaped random-init fixture (speed only: weights are random, no quality meaning); ${fmt(corpus.texts.length)} SMS texts${args.texts ? ' — SMOKE TEST SUBSET, not the corpus figures' : ''}`,
    `each comparison interleaved in one process/page, ${args.rounds} rounds: median [min–max]; shared machine — trust the ratios`,
  ].join('\n');
  console.log(`${header}\n\n${table}\n`);
  const out = {
    schema: 'browser-bert/bench@1',
    header,
    columns,
    started: started.toISOString(),
    finished: finished.toISOString(),
    args,
    machine,
    environments: results,
  };
  const dir = path.join(import.meta.dirname, 'results');
  await mkdir(dir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const suffix = args.out ? `-${args.out}` : '';
  const json = JSON.stringify(out, null, 1);
  await writeFile(path.join(dir, `${stamp}${suffix}.json`), json);
  await writeFile(path.join(dir, `latest${suffix}.json`), json);
  await writeFile(path.join(dir, `latest${suffix}.txt`), `${header}\n\n${table}\n`);
  log(`wrote bench/results/${stamp}${suffix}.json and latest${suffix}.json`);
}

/** Several result files (e.g. Node and Chromium run as separate processes) → one latest.json and one table. */
async function mergeResults(names: readonly string[]): Promise<void> {
  const dir = path.join(import.meta.dirname, 'results');
  const parts = names.map(
    (n) =>
      JSON.parse(readFileSync(path.join(dir, `latest-${n}.json`), 'utf8')) as {
        header: string;
        columns: Column[];
        environments: Record<string, unknown>;
        machine: unknown;
        args: unknown;
        started: string;
        finished: string;
      },
  );
  // Columns with the same title (e.g. a later re-run of some sections) are combined; a later file's row replaces an
  // earlier row with the same section and key.
  const columns: Column[] = [];
  for (const c of parts.flatMap((p) => p.columns)) {
    const prev = columns.find((x) => x.title === c.title);
    if (!prev) {
      columns.push({ title: c.title, rows: [...c.rows] });
      continue;
    }
    const k = (r: Row) => `${r.section}|${r.key ?? r.name}`;
    const replaced = new Set(c.rows.map(k));
    const replacedSections = new Set(c.rows.map((r) => r.section));
    columns[columns.indexOf(prev)] = {
      title: c.title,
      // a re-run section replaces the earlier run's rows of that section entirely
      rows: [...prev.rows.filter((r) => !replaced.has(k(r)) && !replacedSections.has(r.section)), ...c.rows],
    };
  }
  const header =
    parts.map((p) => p.header.split('\n')[0]).join('\n') + '\n' + parts[0]!.header.split('\n').slice(1).join('\n');
  const table = renderTable(columns);
  console.log(`${header}\n\n${table}\n`);
  const merged = {
    schema: 'browser-bert/bench@1',
    header,
    columns,
    mergedFrom: names.map((n) => `latest-${n}.json`),
    started: parts.map((p) => p.started).sort()[0],
    finished: parts
      .map((p) => p.finished)
      .sort()
      .at(-1),
    args: Object.fromEntries(parts.map((p, i) => [names[i], p.args])),
    machine: parts[0]!.machine,
    environments: Object.assign({}, ...parts.map((p) => p.environments)),
  };
  await writeFile(path.join(dir, 'latest.json'), JSON.stringify(merged, null, 1));
  await writeFile(path.join(dir, 'latest.txt'), `${header}\n\n${table}\n`);
  log('wrote bench/results/latest.json (merged)');
}

main().catch((e: unknown) => {
  console.error((e as Error).stack ?? String(e));
  process.exit(1);
});
