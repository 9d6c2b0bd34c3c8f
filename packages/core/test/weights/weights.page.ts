// Page script for weights.browser.test.ts (bundled by esbuild; runs in Chromium): reads every file listed in
// files.json with readWeights and reports name/dtype/shape/sha256 per tensor, or the error.
import { readWeights } from '../../src/weights/read';
import { tensorSha256 } from '../../src/weights/hash';

const g = globalThis as unknown as { __done?: unknown; __result?: unknown };
try {
  const files = (await (await fetch('./files.json')).json()) as string[];
  const out: Record<string, unknown> = {};
  for (const f of files) {
    const bytes = new Uint8Array(await (await fetch(`./${f}`)).arrayBuffer());
    try {
      const rows = [];
      for (const t of readWeights(bytes, f).tensors.values())
        rows.push([t.name, t.dtype, t.shape, await tensorSha256(t)]);
      out[f] = rows;
    } catch (e) {
      out[f] = { error: (e as Error).name, message: (e as Error).message };
    }
  }
  g.__result = out;
  g.__done = true;
} catch (e) {
  g.__done = String((e as Error).stack ?? e);
}
