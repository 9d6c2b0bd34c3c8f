/**
 * `npm run bench:runtime -- --profile`: one more runtime cold start, with Chromium's sampling profiler on the page's
 * main thread from before navigation — where the critical path's milliseconds go. Writes the .cpuprofile (open it in
 * Chromium's DevTools, Performance panel) and prints the functions with the most self and total time.
 */
import { writeFile } from 'node:fs/promises';
import type { BrowserContext } from 'playwright-core';
import { runPage } from '../../packages/core/test-support/browser';
import { fmt } from '../lib/format';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const frameName = (n: ProfileNode): string => {
  const file = n.callFrame.url.split('/').pop() || '(native)';
  return `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
};

/** Self and total (inclusive, each frame counted once per sample) milliseconds by function. */
export function summarizeProfile(p: Profile): { self: Map<string, number>; total: Map<string, number> } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const ms = (p.timeDeltas[i + 1] ?? 0) / 1000; // a sample's time runs until the next one
    const leaf = byId.get(id);
    if (!leaf) return;
    self.set(frameName(leaf), (self.get(frameName(leaf)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = frameName(byId.get(cur)!);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + ms);
    }
  });
  return { self, total };
}

export async function profileColdStart(ctx: BrowserContext, url: string, out: string): Promise<string[]> {
  const page = await ctx.newPage();
  try {
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    const result = (await runPage(page, url, 120_000)) as { sinceNavigation: number; sinceLoad: number };
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    await writeFile(out, JSON.stringify(profile));
    const { self, total } = summarizeProfile(profile);
    const top = (m: Map<string, number>) =>
      [...m]
        .filter(([k]) => !/^\((root|program|idle)\)/.test(k))
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([k, v]) => `    ${fmt(v, 1).padStart(7)} ms  ${k}`);
    return [
      `## Profiled runtime cold start (one page, profiler on: slower than unprofiled): since navigation ${fmt(result.sinceNavigation, 0)} ms, loadClassifier → first prediction ${fmt(result.sinceLoad, 0)} ms`,
      '- most self time (main thread):',
      ...top(self),
      '- most total time (main thread):',
      ...top(total),
      `- profile: ${out}`,
    ];
  } finally {
    await page.close();
  }
}
