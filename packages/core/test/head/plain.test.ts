import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initNodeBackend } from '../../src/node';
import { createHead } from '../../src/head/model';
import { predictHead } from '../../src/head/predict';
import { fitStandardizer, foldStandardizer } from '../../src/head/standardize';
import { readPlainHead } from '../../src/head/plain';
import { headToFiles } from '../../src/classifier/head-files';
import { BrowserBertError } from '../../src/errors';
import { createRng } from '../../src/util/random';

before(async () => {
  await initNodeBackend('wasm');
});

function features(n: number, dim: number, seed: number): Float32Array {
  const r = createRng(seed);
  return Float32Array.from({ length: n * dim }, (_, i) => (r.next() - 0.5) * 4 + (i % dim));
}

for (const [kind, classes] of [
  ['linear', 2],
  ['hidden', 3],
] as const) {
  test(`the saved ${kind} head, run in plain JS, gives TF.js's probabilities (standardisation folded)`, async () => {
    const dim = 24;
    const head = createHead(dim, classes, { kind, hiddenUnits: 16, seed: 9 });
    const x = features(50, dim, 3);
    foldStandardizer(head, fitStandardizer({ dim, data: x }));
    const files = await headToFiles(head);
    const plain = readPlainHead(files.modelJson, files.weights);
    assert.equal(plain.inputDim, dim);
    assert.equal(plain.classes, classes);
    assert.deepEqual(
      plain.layers.map((l) => l.activation),
      kind === 'hidden' ? ['relu', 'linear'] : ['linear'],
    );
    const ours = plain.predict(x);
    const tfjs = await predictHead(head, { dim, data: x });
    let max = 0;
    for (let i = 0; i < ours.length; i++) max = Math.max(max, Math.abs(ours[i]! - tfjs[i]!));
    assert.ok(max <= 1e-6, `max |Δ| ${max}`);
    head.dispose();
  });
}

test('a damaged or foreign head is a typed error with a hint, not wrong scores', async () => {
  const head = createHead(8, 2, { seed: 1 });
  const files = await headToFiles(head);
  head.dispose();
  const json = JSON.parse(new TextDecoder().decode(files.modelJson)) as {
    modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  };
  const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
  const expectTyped = (fn: () => unknown) =>
    assert.throws(fn, (e: unknown) => e instanceof BrowserBertError && e.hint.length > 0);
  expectTyped(() => readPlainHead(files.modelJson, files.weights.subarray(0, 20)));
  expectTyped(() => readPlainHead(new TextEncoder().encode('{not json'), files.weights));
  const conv = structuredClone(json);
  conv.modelTopology.config.layers.splice(1, 0, { class_name: 'Conv1D', config: { name: 'c' } });
  expectTyped(() => readPlainHead(enc(conv), files.weights));
  const tanh = structuredClone(json);
  const dense = tanh.modelTopology.config.layers.find((l) => l.class_name === 'Dense')!;
  dense.config.activation = 'tanh';
  expectTyped(() => readPlainHead(enc(tanh), files.weights));
});
