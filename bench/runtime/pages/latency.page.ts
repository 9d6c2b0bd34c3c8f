// Single-text latency: the runtime and the full library loaded in one page from the same IndexedDB classifier,
// one text at a time, interleaved (A B, B A, …), after an untimed warm-up of each. Returns every duration (ms).
import { loadClassifier as loadRuntime } from '@browser-bert/classify';
import { loadClassifier as loadLibrary, useBackend } from '@browser-bert/core';
import { fail, finish, param } from './shared';

try {
  const texts: string[] = await (await fetch('/texts.json')).json();
  const source = `indexeddb://${param('name')}`;
  await useBackend('wasm', { wasmPaths: new URL('./wasm/', location.href).href });
  const runtime = await loadRuntime(source);
  const library = await loadLibrary(source);
  const engines = {
    runtime: (t: string) => runtime.predictProba([t]),
    library: (t: string) => library.predictProba([t]),
  };
  for (const f of Object.values(engines)) for (const t of texts.slice(0, 10)) await f(t);
  const ms: Record<keyof typeof engines, number[]> = { runtime: [], library: [] };
  let maxDiff = 0;
  for (const [i, t] of texts.entries()) {
    const order = (i % 2 === 0 ? ['runtime', 'library'] : ['library', 'runtime']) as (keyof typeof engines)[];
    const out: Partial<Record<keyof typeof engines, Float32Array>> = {};
    for (const k of order) {
      const s = performance.now();
      out[k] = await engines[k](t);
      ms[k].push(performance.now() - s);
    }
    for (let j = 0; j < out.runtime!.length; j++)
      maxDiff = Math.max(maxDiff, Math.abs(out.runtime![j]! - out.library![j]!));
  }
  finish({ ms, maxDiff, threads: runtime.threads });
  runtime.dispose();
  library.dispose();
} catch (e) {
  fail(e);
}
