import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  bundleForBrowser,
  hasWebGpuAdapter,
  launchChromium,
  launchChromiumWithWebGpu,
  runPage,
  serveStatic,
  skipUnlessChromium,
} from '../../test-support/browser';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { randomBertWeights, referenceForward, smsTexts } from '../../test-support/reference-bert';
import { parseBertConfig } from '../../src/config/parse';
import { createTokenizer } from '../../src/tokenizer';
import type { PageCase } from './encoder.page';

const SMS = 'data/sms-spam/SMSSpamCollection.tsv';
const VOCAB = 'data/bert-base-uncased/vocab.txt';
const skip = skipUnlessChromium() || skipUnlessShared(SMS) || skipUnlessShared(VOCAB);

interface PageResult {
  backend: string;
  threads: boolean;
  results: Record<string, { maxDiff: number; kernelMaxDiff: number; texts: number; leaked: number }>;
  tensorsAfterDispose: number;
}

/** The cases (bert-tiny with pooler; MiniLM-like, gelu_new, F16) bundled with their float64 reference outputs. */
async function preparePage(): Promise<string> {
  const tokenizer = createTokenizer({ vocabTxt: readFileSync(sharedPath(VOCAB)!, 'utf8') });
  const all = tokenizer.encodeBatch(smsTexts(readFileSync(sharedPath(SMS)!, 'utf8')), { maxLength: 128 });
  const longest = all
    .map((e, i) => [e.inputIds.length, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, 2)
    .map(([, i]) => all[i]!);
  const ids = [...all.slice(0, 14), ...longest].map((e) => [...e.inputIds]);
  const cases: PageCase[] = [
    {
      name: 'bert-tiny gelu, bert. prefix, pooler',
      config: { hidden_size: 128, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 512 },
      weights: { seed: 41, prefix: 'bert.' },
      texts: ids,
      expected: 'tiny.bin',
    },
    {
      name: 'MiniLM-like gelu_new, F16, no pooler',
      config: {
        hidden_size: 384,
        num_hidden_layers: 2,
        num_attention_heads: 12,
        intermediate_size: 1536,
        hidden_act: 'gelu_new',
      },
      weights: { seed: 42, dtype: 'F16', pooler: false },
      texts: ids.slice(0, 6),
      expected: 'minilm.bin',
    },
  ];
  const dir = await bundleForBrowser(path.join(import.meta.dirname, 'encoder.page.ts'));
  for (const c of cases) {
    const config = parseBertConfig(c.config);
    const weights = randomBertWeights(config, c.weights);
    const values: number[] = [];
    for (const t of c.texts) {
      const r = referenceForward(config, weights, t);
      values.push(...r.lastHiddenState);
      if (r.poolerOutput) values.push(...r.poolerOutput);
    }
    await writeFile(path.join(dir, c.expected), new Uint8Array(Float64Array.from(values).buffer));
  }
  await writeFile(path.join(dir, 'cases.json'), JSON.stringify(cases));
  return dir;
}

function check(result: PageResult, label: string): void {
  for (const [name, r] of Object.entries(result.results)) {
    console.log(`# Chromium ${label}: ${name}: max|Δ| = ${r.maxDiff.toExponential(2)} over ${r.texts} texts`);
    console.log(`# Chromium wasm-simd kernel: ${name}: max|Δ| = ${r.kernelMaxDiff.toExponential(2)}`);
    assert.ok(r.maxDiff <= 1e-4, `${name}: max |Δ| ${r.maxDiff}`);
    assert.ok(r.kernelMaxDiff <= 1e-4, `${name}: kernel max |Δ| ${r.kernelMaxDiff}`);
    assert.equal(r.leaked, 0, `${name}: tensors leaked per batch`);
  }
  assert.equal(Object.keys(result.results).length, 2);
  assert.equal(result.tensorsAfterDispose, 0);
}

test(
  'Chromium (wasm): the encoder and the wasm-simd kernel engine match the float64 reference on SMS texts',
  { skip },
  async () => {
    const server = await serveStatic(await preparePage());
    const browser = await launchChromium();
    try {
      const result = (await runPage(await browser.newPage(), `${server.url}/index.html`)) as PageResult;
      assert.equal(result.backend, 'wasm');
      check(result, `wasm (threads ${result.threads})`);
    } finally {
      await browser.close();
      await server.close();
    }
  },
);

test(
  "Chromium (WebGPU, SwiftShader's software adapter): the TF.js encoder matches the float64 reference, the kernel engine beside it too",
  { skip },
  async (t) => {
    const server = await serveStatic(await preparePage());
    const browser = await launchChromiumWithWebGpu();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/cases.json`); // any page of this origin (a secure context: 127.0.0.1)
      const adapter = await hasWebGpuAdapter(page);
      if (!adapter) return t.skip('this Chromium offers no WebGPU adapter, not even SwiftShader');
      const result = (await runPage(page, `${server.url}/index.html?backend=webgpu`, 900_000)) as PageResult;
      assert.equal(result.backend, 'webgpu');
      check(result, 'webgpu');
    } finally {
      await browser.close();
      await server.close();
    }
  },
);
