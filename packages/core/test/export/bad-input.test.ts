/**
 * Bad input to the exporter: missing or inconsistent bundle files, the wrong encoder, a pooling that cannot be
 * exported exactly, unknown options — each a typed one-line error — and the folder writer never leaves anything
 * partial nor touches an existing folder. Also the int8 quantiser's error bound.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initNodeBackend, writeExportFolder } from '../../src/node';
import type { BrowserBertError } from '../../src/errors';
import { ExportError, StorageError } from '../../src/errors';
import { exportClassifier } from '../../src/export';
import { quantizeInt8 } from '../../src/export/onnx-weights';
import type { LoadedModel } from '../../src/model/types';
import type { ClassifierBundle, ClassifierManifest } from '../../src/bundle/types';
import { fixtureModel } from '../../test-support/fixture-model';
import { trainClassifier } from '../../src/train/pipeline';
import { skipUnlessShared } from '../../test-support/shared';

const skip = skipUnlessShared('data/bert-base-uncased/vocab.txt');
let dir = '';
let model: LoadedModel;
let bundle: ClassifierBundle;

before(async () => {
  if (skip) return;
  await initNodeBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'bb-export-bad-'));
  model = await fixtureModel(path.join(dir, 'model'), {
    shape: { hidden: 32, layers: 1, heads: 2, intermediate: 64 },
    seed: 1,
  });
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < 60; i++) {
    texts.push(i % 2 ? `win a free prize now ${i}` : `see you at lunch today ${i}`);
    labels.push(i % 2 ? 'spam' : 'ham');
  }
  const { classifier } = await trainClassifier({ model, dataset: { texts, labels }, options: { epochs: 2, seed: 1 } });
  bundle = await classifier.toBundle();
  classifier.dispose();
});
after(async () => {
  model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const withManifest = (m: Partial<ClassifierManifest>): ClassifierBundle => ({
  manifest: { ...bundle.manifest, ...m },
  files: bundle.files,
});
const withFiles = (files: Record<string, Uint8Array>): ClassifierBundle => ({
  manifest: bundle.manifest,
  files: { ...bundle.files, ...files },
});

async function rejects(
  b: ClassifierBundle,
  cls: new (...args: never[]) => BrowserBertError,
  pattern: RegExp,
  withModel = true,
) {
  await assert.rejects(
    exportClassifier(b, { format: 'transformersjs', ...(withModel ? { model } : {}) }),
    (e: unknown) => {
      assert.ok(e instanceof cls, `${String(e)} is a ${cls.name}`);
      assert.match((e as Error).message, pattern);
      assert.ok(!(e as Error).message.includes('\n'), 'one line');
      return true;
    },
  );
}

test('missing and inconsistent bundle files are typed one-line errors', { skip }, async () => {
  const { ['head/weights.bin']: _w, ...noWeights } = bundle.files;
  await rejects({ manifest: bundle.manifest, files: noWeights }, StorageError, /missing head\/weights\.bin/);
  const w = bundle.files['head/weights.bin']!;
  // a damaged head is a damaged bundle: StorageError (the head reader the runtime uses too)
  await rejects(
    withFiles({ 'head/weights.bin': w.subarray(0, w.length - 4) }),
    StorageError,
    /weights\.bin does not match/,
  );
  await rejects(withFiles({ 'head/model.json': new TextEncoder().encode('{nope') }), StorageError, /not valid JSON/);
  const modelJson = new TextDecoder().decode(bundle.files['head/model.json']);
  await rejects(
    withFiles({ 'head/model.json': new TextEncoder().encode(modelJson.replace('"softmax"', '"sigmoid"')) }),
    StorageError,
    /activation "sigmoid" \(only softmax is supported\)/,
  );
  await rejects(
    withManifest({ labels: ['a', 'b', 'c'], positive_label: null }),
    ExportError,
    /2 outputs but the manifest lists 3 labels/,
  );
  const vocab = new TextDecoder().decode(bundle.files['tokenizer/vocab.txt']).replace('\nthe\n', '\nthee\n');
  await rejects(
    withFiles({ 'tokenizer/vocab.txt': new TextEncoder().encode(vocab) }),
    ExportError,
    /tokenizer files do not match/,
  );
  await rejects(
    withManifest({ pooling: 'flatten', flatten_length: 128 }),
    ExportError,
    /'flatten' pooling cannot be exported/,
  );
});

test('the encoder: needed for frozen bundles, and it must be the one trained on', { skip }, async () => {
  await rejects(bundle, ExportError, /does not include its encoder.*--model/, false);
  const other = { ...model, info: { ...model.info, weightsHash: 'f'.repeat(64) } };
  await assert.rejects(
    exportClassifier(bundle, { format: 'onnx', model: other }),
    /is not the encoder this classifier was trained on/,
  );
});

test('unknown format / dtype, int8 for hf', { skip }, async () => {
  await assert.rejects(exportClassifier(bundle, { format: 'tflite' as never, model }), ExportError);
  await assert.rejects(exportClassifier(bundle, { format: 'onnx', dtype: 'int4' as never, model }), ExportError);
  await assert.rejects(exportClassifier(bundle, { format: 'hf', dtype: 'int8', model }), /no int8/);
});

test('writeExportFolder: nothing partial on failure, an existing folder is kept unless replace', { skip }, async () => {
  const target = path.join(dir, 'out');
  const bad = { 'a.txt': new Uint8Array([1]), '../escape.txt': new Uint8Array([2]) };
  await assert.rejects(writeExportFolder(target, bad), ExportError);
  assert.ok(!existsSync(target), 'no output folder after a failure');
  assert.ok(!existsSync(path.join(dir, 'escape.txt')));
  assert.deepEqual(
    (await readdir(dir)).filter((n) => n.startsWith('out')),
    [],
    'no temp folder left',
  );

  await mkdir(target);
  await writeFile(path.join(target, 'mine.txt'), 'keep me');
  await assert.rejects(writeExportFolder(target, { 'x.json': new Uint8Array([1]) }), /already exists and is not empty/);
  assert.equal(await readFile(path.join(target, 'mine.txt'), 'utf8'), 'keep me');
  await writeExportFolder(target, { 'x/y.json': new Uint8Array([7]) }, { replace: true });
  assert.deepEqual(await readdir(target), ['x']);
});

test('int8 quantisation: per-column / per-row scales, error at most half a step', () => {
  const rows = 5;
  const cols = 7;
  const v = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 1.7) * (1 + (i % cols)));
  for (const axis of [0, 1] as const) {
    const { q, scale } = quantizeInt8(v, rows, cols, axis);
    assert.equal(scale.length, axis === 0 ? rows : cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const s = scale[axis === 0 ? r : c]!;
        const x = v[r * cols + c]!;
        assert.ok(Math.abs(q[r * cols + c]! * s - x) <= s / 2 + 1e-7);
        assert.ok(Math.abs(q[r * cols + c]!) <= 127);
      }
    }
    const maxQ = Math.max(...Array.from(q, Math.abs));
    assert.equal(maxQ, 127, 'the largest value of each channel maps to ±127');
  }
});
