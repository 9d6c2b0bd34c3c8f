// The layer table (packages/core/layers.mjs) is a DAG that names every folder of src/, and the lint rule built from
// it (eslint.config.js, part of `npm test`) rejects an upward import and an import of test code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { LAYERS, ROOT_FILES } from '../layers.mjs';

const root = path.resolve(import.meta.dirname, '../../..');
const src = path.join(root, 'packages/core/src');
const layers = LAYERS as Record<string, string[]>;

test('every folder of src/ is a layer, and the root files are the base and entry layers', () => {
  const folders = readdirSync(src).filter((n) => statSync(path.join(src, n)).isDirectory());
  const named = Object.keys(layers).filter((t) => !(t in ROOT_FILES));
  assert.deepEqual([...folders].sort(), [...named].sort());
  const rootFiles = readdirSync(src).filter((n) => n.endsWith('.ts'));
  assert.deepEqual(rootFiles.sort(), ['errors.ts', 'index.ts', 'internal.ts', 'node.ts', 'vocabulary.ts']);
});

test('the layer table has no cycle (so no folder-level import cycle can pass the lint rule)', () => {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: string, trail: string[]): void => {
    if (state.get(t) === 'done') return;
    assert.notEqual(state.get(t), 'visiting', `cycle: ${[...trail, t].join(' → ')}`);
    state.set(t, 'visiting');
    for (const dep of layers[t] ?? assert.fail(`unknown layer ${t}`)) visit(dep, [...trail, t]);
    state.set(t, 'done');
  };
  for (const t of Object.keys(layers)) visit(t, []);
});

test('the lint rules reject an upward import, an io import from compute, test code in src/ and TF.js in a pure layer', async () => {
  const eslint = new ESLint({ cwd: root });
  const lint = async (file: string, code: string) => {
    const [r] = await eslint.lintText(code, { filePath: path.join(src, file) });
    return (r?.messages ?? []).map((m) => `${m.ruleId}`);
  };
  assert.deepEqual(await lint('util/probe.ts', "export { loadFromSource } from '../model/from-source';\n"), [
    'boundaries/dependencies',
  ]);
  assert.deepEqual(await lint('kernel/probe.ts', "export { createMemorySource } from '../io/memory-source';\n"), [
    'boundaries/dependencies',
  ]);
  assert.deepEqual(await lint('head/probe.ts', "export { prng } from '../../test-support/reference-bert';\n"), [
    'no-restricted-imports',
  ]);
  // the pure layers (L0, L1) hold no tensors: no TF.js there
  assert.deepEqual(await lint('bundle/probe.ts', "export * as tf from '@tensorflow/tfjs-core';\n"), [
    'no-restricted-imports',
  ]);
  // and a downward import is fine
  assert.deepEqual(await lint('model/probe.ts', "export { sha256Hex } from '../util/hash';\n"), []);
});
