/**
 * Transformers.js export of classifiers trained on a random-init bert-tiny fixture (frozen mean, frozen cls,
 * fine-tuned top layer, multi-class with a hidden-layer head): the folder runs unchanged in
 * `pipeline('text-classification', folder, { local_files_only: true })` (Transformers.js on onnxruntime-web wasm) and
 * in onnxruntime-web directly, giving classify()'s probabilities; the weight variants' agreement is measured; the
 * export reads back with loadClassifier; the model card's numbers are the report's; python onnx's checker passes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initNodeBackend, writeExportFolder } from '../../src/node';
import { loadClassifier } from '../../src/load/classifier';
import type { Classifier } from '../../src/classifier/types';
import { exportClassifier } from '../../src/export';
import { readExportSource } from '../../src/export/export-source';
import type { LoadedModel } from '../../src/model/types';
import type { TrainingReport } from '../../src/metrics/report-types';
import { fixtureModel } from '../../test-support/fixture-model';
import { trainClassifier } from '../../src/train/pipeline';
import type { TrainOptions } from '../../src/train/types';
import { skipUnlessShared } from '../../test-support/shared';
import { textClassificationPipeline } from '../../test-support/transformers-js';
import { agreement, fittingTexts, ortProbs, smsDataset, SMS, SMS_SUBSET, type Agreement } from './support';

const skip = skipUnlessShared(SMS) || skipUnlessShared('data/bert-base-uncased/vocab.txt');
const PYTHON = '/usr/bin/python3';
const hasPythonOnnx = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;

let dir = '';
let model: LoadedModel;
let texts: string[] = [];

interface Case {
  readonly name: string;
  readonly dtype: 'float32' | 'float16' | 'int8';
  readonly data: () => Promise<{ texts: string[]; labels: string[] }>;
  readonly options: TrainOptions;
}

function topicData(): { texts: string[]; labels: string[] } {
  const words = [
    ['football', 'goal', 'match', 'team', 'score', 'league'],
    ['election', 'vote', 'minister', 'party', 'policy', 'senate'],
    ['recipe', 'oven', 'flour', 'sugar', 'bake', 'butter'],
  ];
  const out = { texts: [] as string[], labels: [] as string[] };
  for (let i = 0; i < 150; i++) {
    const c = i % 3;
    const w = words[c]!;
    out.texts.push(`${w[i % 6]} ${w[(i * 7) % 6]} and the ${w[(i * 5) % 6]} again, number ${i}`);
    out.labels.push(['sport', 'politics', 'food'][c]!);
  }
  return out;
}

const subset = () => smsDataset(SMS_SUBSET);
const CASES: Case[] = [
  { name: 'frozen mean', dtype: 'int8', data: subset, options: { pooling: 'mean', seed: 5, epochs: 6 } },
  { name: 'frozen cls', dtype: 'float16', data: subset, options: { pooling: 'cls', seed: 6, epochs: 6 } },
  {
    name: 'fine-tuned top layer (mean)',
    dtype: 'float32',
    data: async () => {
      const d = await subset();
      return { texts: d.texts.slice(0, 160), labels: d.labels.slice(0, 160) };
    },
    options: { pooling: 'mean', seed: 2, epochs: 1, fineTuneLayers: 1, fineTuneLearningRate: 1e-4, batchSize: 16 },
  },
  {
    name: 'multi-class, hidden-layer head (cls)',
    dtype: 'float32',
    data: async () => topicData(),
    options: { pooling: 'cls', seed: 3, epochs: 20, head: 'hidden', hiddenUnits: 32 },
  },
];

before(async () => {
  if (skip) return;
  await initNodeBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'bb-export-tjs-'));
  model = await fixtureModel(path.join(dir, 'model'), { shape: 'bert-tiny', seed: 11 });
  texts = (await smsDataset()).texts.slice(0, 200);
});
after(async () => {
  model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function fmt(a: Agreement): string {
  return `max |Δ| ${a.maxAbs.toExponential(2)}, same top label ${a.sameTop}/${a.n}`;
}

/** Transformers.js scores (sorted by score) back into label order, one row per text. */
function pipelineProbs(rows: { label: string; score: number }[][], labels: readonly string[]): Float64Array {
  const out = new Float64Array(rows.length * labels.length);
  rows.forEach((row, i) => {
    assert.equal(row.length, labels.length, 'top_k: null returns every label');
    for (const { label, score } of row) {
      const c = labels.indexOf(label);
      assert.ok(c >= 0, `unknown label ${label} from the pipeline`);
      out[i * labels.length + c] = score;
    }
  });
  return out;
}

async function checkCase(c: Case): Promise<void> {
  const data = await c.data();
  const { classifier, report } = await trainClassifier({ model, dataset: data, options: c.options });
  let loaded: Classifier | undefined;
  try {
    const bundle = await classifier.toBundle();
    const fineTuned = bundle.manifest.encoder.included;
    assert.equal(fineTuned, (c.options.fineTuneLayers ?? 0) !== 0);
    const res = await exportClassifier(bundle, {
      format: 'transformersjs',
      dtype: c.dtype,
      report,
      ...(fineTuned ? {} : { model }),
    });
    const out = await writeExportFolder(path.join(dir, c.name.replace(/\W+/g, '-')), res.files);
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'README.md']) {
      assert.ok(existsSync(path.join(out, f)), `${f} is in the export`);
    }
    const config = JSON.parse(await readFile(path.join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(config.architectures, ['BertForSequenceClassification']);
    assert.equal(config.problem_type, 'single_label_classification');
    assert.deepEqual(config.id2label, Object.fromEntries(classifier.labels.map((l, i) => [String(i), l])));

    const labels = classifier.labels;
    const C = labels.length;
    const src = readExportSource(bundle, fineTuned ? undefined : model);
    const fit = fittingTexts(src.tokenizer, c.name.startsWith('multi') ? [...data.texts, ...texts] : texts, 128);
    assert.ok(fit.length >= 190, `${fit.length} comparison texts`);
    const ours = await classifier.predictProba(fit);

    // 1. Transformers.js, unchanged folder
    const pipe = await textClassificationPipeline(out);
    const tjs = pipelineProbs((await pipe(fit, { top_k: null })) as { label: string; score: number }[][], labels);
    const aTjs = agreement(tjs, ours, C);
    // 2. onnxruntime-web directly on the file
    const aOrt = agreement(await ortProbs(res.files['onnx/model.onnx']!, src.tokenizer, fit, 128, C), ours, C);
    console.log(
      `# ${c.name}: ${fit.length} SMS texts ≤ 128 tokens; Transformers.js ${fmt(aTjs)}; onnxruntime-web ${fmt(aOrt)}`,
    );
    for (const a of [aTjs, aOrt]) {
      assert.ok(a.maxAbs <= 1e-4, `max |Δ| ${a.maxAbs} ≤ 1e-4`);
      assert.equal(a.sameTop, a.n, 'same top label on every text');
    }
    // 3. the weight variant, through Transformers.js' dtype option
    if (c.dtype !== 'float32') {
      assert.equal(res.variant, c.dtype === 'float16' ? 'onnx/model_fp16.onnx' : 'onnx/model_int8.onnx');
      const vpipe = await textClassificationPipeline(out, c.dtype === 'float16' ? 'fp16' : 'int8');
      const v = agreement(pipelineProbs((await vpipe(fit, { top_k: null })) as never, labels), ours, C);
      const size = (f: string) => res.files[f]!.byteLength;
      console.log(
        `# ${c.name} ${c.dtype}: ${fmt(v)}; ${size(res.variant!)} bytes vs ${size('onnx/model.onnx')} (float32)`,
      );
      assert.ok(size(res.variant!) < 0.6 * size('onnx/model.onnx'), 'the variant is smaller');
      // loose bounds: the folded standardisation amplifies weight rounding by 1/std per feature, and random-init
      // cls features vary little between texts (bench/export-agreement.ts prints the figures on the whole corpus)
      assert.ok(v.maxAbs <= (c.dtype === 'float16' ? 2e-2 : 5e-2), `${c.dtype} max |Δ| ${v.maxAbs}`);
      assert.ok(v.maxAbs > 0, 'the variant really has different weights');
      assert.ok(v.sameTop >= 0.95 * v.n, `${c.dtype}: top label agrees on ${v.sameTop}/${v.n}`);
    }
    // 4. round trip: loadClassifier reads the export folder back
    loaded = await loadClassifier(out, fineTuned ? {} : { model });
    const again = await loaded.predictProba(fit.slice(0, 50));
    assert.ok(agreement(again, ours.subarray(0, 50 * C), C).maxAbs <= 1e-6, 'the export reads back identically');
    // 5. the model card's numbers are the report's
    checkCard(await readFile(path.join(out, 'README.md'), 'utf8'), report, bundle.manifest.encoder.random_init);
    // 6. python onnx checker (independent of onnxruntime)
    if (hasPythonOnnx) {
      for (const f of ['onnx/model.onnx', ...(res.variant ? [res.variant] : [])]) {
        const r = spawnSync(
          PYTHON,
          [
            '-c',
            'import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print(m.opset_import[0].version)',
            path.join(out, f),
          ],
          { encoding: 'utf8' },
        );
        assert.equal(r.status, 0, r.stderr);
        assert.ok(Number(r.stdout.trim()) >= 14, `opset ${r.stdout.trim()}`);
      }
    } else console.log('# python3-onnx not installed: onnx.checker skipped');
  } finally {
    loaded?.dispose();
    classifier.dispose();
  }
}

function checkCard(card: string, report: TrainingReport, randomInit: boolean): void {
  assert.match(card, /^---\n/);
  const front = card.slice(4, card.indexOf('\n---', 4));
  assert.match(front, /^pipeline_tag: text-classification$/m);
  assert.match(front, /^library_name: transformers\.js$/m);
  for (const l of report.labels) assert.ok(front.includes(`- ${JSON.stringify(l)}`), `label ${l} in the front matter`);
  const value = (name: string) => {
    const m = new RegExp(`value: ([-0-9.e]+)\\n\\s+name: "${name}"`).exec(front);
    return m ? Number(m[1]) : undefined;
  };
  assert.equal(value('Test accuracy'), report.test.accuracy);
  assert.equal(value('Test macro F1'), report.test.macro_f1);
  assert.equal(value('Majority-class baseline accuracy'), report.baseline.majority_accuracy);
  assert.equal(value('Test ROC-AUC'), report.test.roc_auc ?? undefined);
  assert.ok(
    card.includes(
      `| test | ${report.test.n} | ${report.test.accuracy.toFixed(4)} | ${report.test.macro_f1.toFixed(4)} |`,
    ),
  );
  assert.ok(
    card.includes(
      `(always "${report.baseline.majority_label}") | ${report.test.n} | ${report.baseline.majority_accuracy.toFixed(4)} |`,
    ),
  );
  const s = report.splits;
  assert.ok(card.includes(`train ${s.train}, validation ${s.validation}, test ${s.test}`));
  assert.ok(card.includes(`${report.duplicates_removed} duplicate texts removed`));
  for (const [l, n] of Object.entries(report.class_counts)) assert.ok(card.includes(`${l} ${n}`));
  assert.equal(/Random-init encoder: pipeline check only/.test(card), randomInit);
  assert.ok(card.includes('## Intended use and limits'));
}

for (const c of CASES) {
  test(`transformersjs export: ${c.name} (${c.dtype})`, { skip }, () => checkCase(c));
}
