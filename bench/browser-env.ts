/** The suite in headless Chromium: bundle bench/page.ts, serve it on 127.0.0.1 with COOP/COEP, collect results. */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import {
  bundleForBrowser,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  runPage,
  serveStatic,
} from '../packages/core/test-support/browser';
import type { Corpus } from './lib/data';
import { cpuMsOf, rendererPeak, rendererPids, sampleFootprint, type Footprint } from './lib/proc';
import type { ModelFiles } from './lib/models';
import type { EnvResult, SuiteOptions } from './suite/types';

const require = createRequire(import.meta.url);

export interface BrowserRun extends EnvResult {
  /** Peak resident memory (VmHWM) of the page's renderer process(es), bytes. */
  readonly rendererPeakRss: number | undefined;
  /** Peak private footprint (RssAnon + VmSwap, sampled every 50 ms) of the page's renderer, see lib/proc.ts. */
  readonly rendererFootprint: Footprint | undefined;
  /** CDP Performance.getMetrics at the end. */
  readonly cdpMetrics: Record<string, number>;
}

export async function runBrowser(
  corpus: Corpus,
  tiny: ModelFiles,
  minilm: ModelFiles | undefined,
  opts: Omit<SuiteOptions, 'tfThreads' | 'ortThreads'>,
  threads: number,
  log: (m: string) => void,
): Promise<BrowserRun> {
  const dir = await bundleForBrowser(path.join(import.meta.dirname, 'page.ts'));
  const ortDist = path.dirname(require.resolve('onnxruntime-web')); // …/dist/ort.min.js
  await mkdir(path.join(dir, 'ort'), { recursive: true });
  for (const f of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) {
    await copyFile(path.join(ortDist, f), path.join(dir, 'ort', f));
  }
  await mkdir(path.join(dir, 'models'), { recursive: true });
  const ref = async (m: ModelFiles) => {
    await copyFile(path.join(m.dir, 'model.safetensors'), path.join(dir, 'models', `${m.shape}.safetensors`));
    if (m.onnxPath) await copyFile(m.onnxPath, path.join(dir, 'models', `${m.shape}.onnx`));
    return {
      shape: m.shape,
      configJson: m.configJson,
      vocabTxt: m.vocabTxt,
      tokenizerConfig: m.tokenizerConfig,
      safetensorsUrl: `./models/${m.shape}.safetensors`,
      onnxUrl: m.onnxPath ? `./models/${m.shape}.onnx` : null,
    };
  };
  const input = {
    texts: corpus.texts,
    labels: corpus.labels,
    opts,
    threads,
    models: { tiny: await ref(tiny), minilm: minilm ? await ref(minilm) : null },
  };
  await writeFile(path.join(dir, 'input.json'), JSON.stringify(input));
  const server = await serveStatic(dir);
  const tag = `--bb-bench-run=${randomUUID()}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info', tag],
    headless: true,
  });
  let peak: number | undefined;
  const footprint = sampleFootprint(tag);
  const sampler = setInterval(() => {
    const p = rendererPeak(tag);
    if (p !== undefined) peak = Math.max(peak ?? 0, p);
  }, 2000);
  // BB_BENCH_TRACE_MEMORY=1: the tab's footprint every second, interleaved with the page's log (where it goes)
  const t0 = performance.now();
  const stamp = (): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  const tracer = process.env.BB_BENCH_TRACE_MEMORY
    ? setInterval(() => {
        const f = footprint.now();
        if (f) log(`  [memory ${stamp()}] footprint ${(f.footprint / 2 ** 20).toFixed(0)} MiB`);
      }, 1000)
    : undefined;
  try {
    const page = await browser.newPage();
    page.on('console', (m) => log(`  [page${tracer ? ` ${stamp()}` : ''}] ${m.text()}`));
    let pids: number[] = [];
    await page.exposeFunction('__bbPeakRss', () => rendererPeak(tag) ?? NaN);
    await page.exposeFunction('__bbCpuMs', () => {
      if (pids.length === 0) pids = rendererPids(tag);
      return cpuMsOf(pids);
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const result = (await runPage(page, `${server.url}/index.html`, 3_600_000)) as EnvResult;
    const metrics = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const p = rendererPeak(tag);
    if (p !== undefined) peak = Math.max(peak ?? 0, p);
    return {
      ...result,
      rendererPeakRss: peak,
      rendererFootprint: footprint.overall(),
      cdpMetrics: Object.fromEntries(metrics.metrics.map((m) => [m.name, m.value])),
    };
  } finally {
    clearInterval(sampler);
    clearInterval(tracer);
    footprint.stop();
    await browser.close();
    await server.close();
  }
}
