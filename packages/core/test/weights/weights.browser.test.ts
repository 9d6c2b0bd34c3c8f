import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { zipSync } from 'fflate';
import { bundleForBrowser, launchChromium, runPage, serveStatic, skipUnlessChromium } from '../../test-support/browser';
import { makeBertTensors } from '../../test-support/fixtures';
import { sharedPath } from '../../test-support/shared';
import { floatTensor } from '../../src/weights/dtype';
import { tensorSha256 } from '../../src/weights/hash';
import { PickleWriter } from '../../src/weights/pickle-writer';
import { readWeights } from '../../src/weights/read';
import { writeSafetensors } from '../../src/weights/safetensors';
import { writeTorchLegacy, writeTorchZip } from '../../src/weights/torch-writer';

test(
  'readers run in Chromium (fflate, pickle VM, WebCrypto) and give the same listing as Node',
  { skip: skipUnlessChromium() },
  async () => {
    const dir = await bundleForBrowser(path.join(import.meta.dirname, 'weights.page.ts'));
    const tensors = [
      ...makeBertTensors({ shape: { hidden: 8, layers: 1, heads: 2, intermediate: 16, vocab: 40 }, seed: 9 }).values(),
      floatTensor('half', [3], [1, -0.5, 2], 'F16'),
    ];
    const evil = new PickleWriter()
      .proto()
      .op('}')
      .op('(')
      .str('x')
      .global('os', 'system')
      .str('id')
      .op(0x85)
      .op('R')
      .op('u')
      .finish();
    const files: Record<string, Uint8Array> = {
      'model.safetensors': writeSafetensors(tensors, { format: 'pt' }),
      'pytorch_model.bin': writeTorchZip(tensors),
      'legacy.bin': writeTorchLegacy(tensors, { shareStorage: true }),
      'evil.bin': zipSync({ 'archive/data.pkl': evil }),
      'html.bin': new TextEncoder().encode('<!DOCTYPE html><html><body>Not Found</body></html>'),
    };
    for (const [name, bytes] of Object.entries(files)) await writeFile(path.join(dir, name), bytes);
    const names = Object.keys(files);
    for (const rel of [
      'torch/candle/fortran_tensor_3d.pth',
      'torch/burn/legacy_uncloned_views.pt',
      'torch/burn/bfloat16.pt',
    ]) {
      const p = sharedPath(`data/format-fixtures/${rel}`);
      if (!p) continue;
      await copyFile(p, path.join(dir, path.basename(p)));
      names.push(path.basename(p));
    }
    await writeFile(path.join(dir, 'files.json'), JSON.stringify(names));
    const server = await serveStatic(dir);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const result = (await runPage(page, `${server.url}/index.html`, 120_000)) as Record<string, unknown>;
      for (const name of names) {
        const bytes = await readFile(path.join(dir, name));
        let expected: unknown;
        try {
          const rows = [];
          for (const t of readWeights(bytes, name).tensors.values())
            rows.push([t.name, t.dtype, t.shape, await tensorSha256(t)]);
          expected = rows;
        } catch (e) {
          expected = { error: (e as Error).name, message: (e as Error).message };
        }
        assert.deepEqual(result[name], expected, name);
      }
      assert.equal(
        result['pytorch_model.bin'] && JSON.stringify(result['pytorch_model.bin']),
        JSON.stringify(result['model.safetensors']),
      );
      assert.equal((result['model.safetensors'] as unknown[]).length, tensors.length);
      assert.deepEqual((result['evil.bin'] as { error: string }).error, 'UnsafePickleError');
      assert.match((result['html.bin'] as { message: string }).message, /looks like HTML/);
    } finally {
      await browser.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
);
