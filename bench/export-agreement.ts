/**
 * Export agreement on the SMS corpus: classifiers trained on a random-init bert-tiny fixture (pipeline check, not
 * BERT quality), exported, then run by onnxruntime-web (wasm) directly — float32, float16 and int8 weight files —
 * and by Transformers.js (pipeline('text-classification'), on onnxruntime-web) against our classify()
 * probabilities. Prints max |Δ| of the probabilities, top-label agreement and file sizes per export kind × dtype.
 *   node --import tsx bench/export-agreement.ts [--texts N]
 * Transformers.js is compared on the texts that fit in 128 tokens: it truncates after adding [CLS]/[SEP].
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initNodeBackend, writeExportFolder } from '@browser-bert/core/node';
import { exportClassifier, readExportSource } from '@browser-bert/core';
import { fixtureModel } from '../packages/core/test-support/fixture-model';
import { trainClassifier, type TrainOptions } from '@browser-bert/core';
import { skipUnlessShared } from '../packages/core/test-support/shared';
import { textClassificationPipeline } from '../packages/core/test-support/transformers-js';
import { agreement, fittingTexts, ortProbs, smsDataset, SMS, SMS_SUBSET } from '../packages/core/test/export/support';

const missing = skipUnlessShared(SMS) || skipUnlessShared('data/bert-base-uncased/vocab.txt');
if (missing) {
  console.log(`export-agreement: skipped — ${missing}`);
  process.exit(0);
}
const { values } = parseArgs({ options: { texts: { type: 'string' } } });

interface Kind {
  readonly name: string;
  readonly options: TrainOptions;
  readonly rows?: number;
}
const KINDS: Kind[] = [
  { name: 'frozen mean', options: { pooling: 'mean', seed: 5, epochs: 6 } },
  { name: 'frozen cls', options: { pooling: 'cls', seed: 6, epochs: 6 } },
  { name: 'frozen pooler', options: { pooling: 'pooler', seed: 4, epochs: 6 } },
  { name: 'mean, hidden head', options: { pooling: 'mean', seed: 7, epochs: 6, head: 'hidden', hiddenUnits: 64 } },
  {
    name: 'fine-tuned top layer',
    rows: 160,
    options: { pooling: 'mean', seed: 2, epochs: 1, fineTuneLayers: 1, fineTuneLearningRate: 1e-4, batchSize: 16 },
  },
];

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

await initNodeBackend('wasm');
const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-export-bench-'));
const model = await fixtureModel(path.join(dir, 'model'), { shape: 'bert-tiny', seed: 11 });
try {
  const train = await smsDataset(SMS_SUBSET);
  const all = (await smsDataset()).texts;
  const texts = values.texts ? all.slice(0, Number(values.texts)) : all;
  console.log(`random-init bert-tiny fixture; ${texts.length} SMS texts; onnxruntime-web wasm, 1 thread\n`);
  console.log('| classifier | runtime | weights | texts | max abs diff of probabilities | same top label | file |');
  console.log('|---|---|---|---:|---:|---:|---:|');
  for (const kind of KINDS) {
    const data = kind.rows
      ? { texts: train.texts.slice(0, kind.rows), labels: train.labels.slice(0, kind.rows) }
      : train;
    const { classifier } = await trainClassifier({ model, dataset: data, options: kind.options });
    try {
      const bundle = await classifier.toBundle();
      const opts = bundle.manifest.encoder.included ? {} : { model };
      const src = readExportSource(bundle, bundle.manifest.encoder.included ? undefined : model);
      const C = classifier.labels.length;
      const ours = await classifier.predictProba(texts);
      const row = (runtime: string, w: string, n: number, a: ReturnType<typeof agreement>, size: string) =>
        console.log(
          `| ${kind.name} | ${runtime} | ${w} | ${n} | ${a.maxAbs.toExponential(2)} | ${a.sameTop}/${a.n} | ${size} |`,
        );
      for (const dtype of ['float32', 'float16', 'int8'] as const) {
        const res = await exportClassifier(bundle, { format: 'onnx', dtype, ...opts });
        const file = res.variant ?? 'model.onnx';
        const bytes = res.files[file]!;
        const p = await ortProbs(bytes, src.tokenizer, texts, bundle.manifest.max_length, C);
        row('onnxruntime-web', dtype, texts.length, agreement(p, ours, C), mb(bytes.byteLength));
      }
      const res = await exportClassifier(bundle, { format: 'transformersjs', ...opts });
      const out = await writeExportFolder(path.join(dir, kind.name.replace(/\W+/g, '-')), res.files);
      const fit = fittingTexts(src.tokenizer, texts, bundle.manifest.max_length);
      const pipe = await textClassificationPipeline(out);
      const tjs = new Float64Array(fit.length * C);
      for (let i = 0; i < fit.length; i += 64) {
        const rows = (await pipe(fit.slice(i, i + 64), { top_k: null })) as { label: string; score: number }[][];
        rows.forEach((r, j) => r.forEach((x) => (tjs[(i + j) * C + classifier.labels.indexOf(x.label)] = x.score)));
      }
      row(
        'Transformers.js',
        'float32',
        fit.length,
        agreement(tjs, await classifier.predictProba(fit), C),
        mb(res.files['onnx/model.onnx']!.byteLength),
      );
      if (kind.name === 'frozen pooler') {
        const hf = await exportClassifier(bundle, { format: 'hf', ...opts });
        console.log(
          `| ${kind.name} | HF model.safetensors | float32 | | (exact layout, see test/export/hf.test.ts) | | ${mb(hf.files['model.safetensors']!.byteLength)} |`,
        );
      }
    } finally {
      classifier.dispose();
    }
  }
  console.log(
    `\n${all.length - fittingTexts(model.tokenizer, all, 128).length} of ${all.length} SMS texts are longer than 128 tokens (left out of the Transformers.js rows).`,
  );
} finally {
  model.dispose();
  await rm(dir, { recursive: true, force: true });
}
