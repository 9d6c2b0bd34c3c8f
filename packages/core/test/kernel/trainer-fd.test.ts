/**
 * The kernel trainer's gradients against central finite differences of an independent float64 loss
 * (test-support/reference-finetune.ts on reference-bert.ts), on small shapes, dropout off: for every trained tensor,
 * its largest-gradient element and three seeded others.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initNodeBackend } from '../../src/node';
import { parseBertConfig } from '../../src/config';
import { createBertEncoder } from '../../src/encoder/bert-encoder';
import { createHead, headVariables } from '../../src/head/model';
import { createKernelTrainer, type KernelTrainPooling } from '../../src/kernel/trainer';
import { nodeKernelSpawner } from '../../src/kernel/node-spawn';
import { mulberry32 } from '../../src/util/random';
import { randomBertWeights } from '../../test-support/reference-bert';
import { padSequences } from '../../test-support/pad';
import { referenceLoss, tensorValues, toF64Map, withTensor, type RefHead } from '../../test-support/reference-finetune';

before(async () => {
  await initNodeBackend('wasm');
});

const LINEAR = /(query|key|value|dense)\.weight$/;

async function check(
  name: string,
  shape: Record<string, unknown>,
  o: { layers: number | 'all'; pooling: KernelTrainPooling; normalize: boolean; head: 'linear' | 'hidden' },
): Promise<number> {
  const config = parseBertConfig({ ...shape, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0 });
  const f32 = randomBertWeights(config, { seed: 3 });
  const enc = createBertEncoder(config, f32);
  const head = createHead(config.hiddenSize, 3, { kind: o.head, hiddenUnits: 8, dropout: 0, seed: 9 });
  const rnd = mulberry32(21);
  const seqs = [3, 7, 5, 6].map((len) =>
    Int32Array.from({ length: len }, (_, i) => (i === 0 ? 1 : 2 + Math.floor(rnd() * (config.vocabSize - 2)))),
  );
  const types = seqs.map((s) => Int32Array.from(s, (_, i) => (i >= 3 ? 1 : 0)));
  const labels = Int32Array.of(0, 2, 1, 2);
  const classWeights = Float32Array.of(1, 1.5, 0.75);
  const trainer = await createKernelTrainer({
    encoder: enc,
    head,
    layers: o.layers,
    pooling: o.pooling,
    normalize: o.normalize,
    classWeights,
    headLearningRate: 1e-3,
    encoderLearningRate: 1e-4,
    clipNorm: 1,
    threads: 2,
    spawn: nodeKernelSpawner,
  });
  try {
    const { grads } = await trainer.gradients(padSequences(seqs, undefined, types), labels, 0);
    const hv = headVariables(head).map((v) => Float64Array.from(v.dataSync()));
    const f64 = toF64Map(f32);
    const refHead = (h: Float64Array[]): RefHead => ({
      classes: 3,
      ...(o.head === 'hidden' ? { hidden: { w: h[0]!, b: h[1]!, units: 8 } } : {}),
      logits: { w: h[o.head === 'hidden' ? 2 : 0]!, b: h[o.head === 'hidden' ? 3 : 1]! },
    });
    const loss = (map: typeof f64, h: Float64Array[]): number =>
      referenceLoss(config, map, seqs, types, labels, refHead(h), { ...o, classWeights });
    let gmax = 0;
    for (const g of grads.values()) for (const x of g) gmax = Math.max(gmax, Math.abs(x));
    let worst = 0;
    let worstName = '';
    const eps = 1e-5;
    for (const [tname, g] of grads) {
      const picks = new Set<number>([g.reduce((bi, x, i) => (Math.abs(x) > Math.abs(g[bi]!) ? i : bi), 0)]);
      while (picks.size < Math.min(4, g.length)) picks.add(Math.floor(rnd() * g.length));
      let err = 0;
      let scale = 1e-3 * gmax;
      for (const idx of picks) {
        let fd: number;
        if (tname.startsWith('head:')) {
          const i = Number(tname.slice(5));
          const at = (d: number): number => {
            const h = hv.map((a) => a.slice());
            h[i]![idx]! += d;
            return loss(f64, h);
          };
          fd = (at(eps) - at(-eps)) / (2 * eps);
        } else {
          const key = f64.has(`bert.${tname}`) ? `bert.${tname}` : tname;
          const base = tensorValues(f64, key);
          let j = idx;
          if (LINEAR.test(tname)) {
            const [outDim, inDim] = f64.get(key)!.shape as [number, number];
            j = (idx % outDim) * inDim + Math.floor(idx / outDim); // [in, out] index → HF [out, in]
          }
          const at = (d: number): number => {
            const v = base.slice();
            v[j]! += d;
            return loss(withTensor(f64, key, v), hv);
          };
          fd = (at(eps) - at(-eps)) / (2 * eps);
        }
        err = Math.max(err, Math.abs(g[idx]! - fd));
        scale = Math.max(scale, Math.abs(fd));
      }
      if (err / scale > worst) [worst, worstName] = [err / scale, tname];
    }
    console.log(
      `# ${name}: max |g_kernel − g_fd| / max |g_fd| = ${worst.toExponential(2)} (${worstName}), ${grads.size} tensors`,
    );
    return worst;
  } finally {
    trainer.dispose();
    enc.dispose();
    head.dispose();
  }
}

const SHAPE = {
  hidden_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 32,
  vocab_size: 60,
  max_position_embeddings: 16,
};

test('kernel gradients = finite differences of the float64 reference: all layers + embeddings, pooler, normalize, hidden head', async () => {
  const e = await check('all, pooler, normalize, hidden head, gelu', SHAPE, {
    layers: 'all',
    pooling: 'pooler',
    normalize: true,
    head: 'hidden',
  });
  assert.ok(e < 5e-4, `relative error ${e}`);
});

test('kernel gradients = finite differences of the float64 reference: top layer, mean pooling, linear head, gelu_new', async () => {
  const e = await check(
    'top 1, mean, linear head, gelu_new',
    { ...SHAPE, hidden_act: 'gelu_new' },
    {
      layers: 1,
      pooling: 'mean',
      normalize: false,
      head: 'linear',
    },
  );
  assert.ok(e < 5e-4, `relative error ${e}`);
});

test('kernel gradients = finite differences of the float64 reference: cls pooling, relu, 3 heads of 8 (partial panels)', async () => {
  const e = await check(
    'all, cls, relu, hidden 24',
    { ...SHAPE, hidden_size: 24, num_attention_heads: 3, intermediate_size: 36, hidden_act: 'relu' },
    {
      layers: 'all',
      pooling: 'cls',
      normalize: false,
      head: 'hidden',
    },
  );
  assert.ok(e < 5e-4, `relative error ${e}`);
});
