/**
 * HF layout and tokenizer files of the export: a pooler classifier becomes BertForSequenceClassification
 * (model.safetensors checked with the independent float64 reference forward, not with our code), other poolings are
 * refused for `hf` with the reason; tokenizer.json is byte-for-byte the structure HF writes (real file in
 * shared/data/format-fixtures) and gives @huggingface/tokenizers the ids of our tokenizer on the whole SMS corpus.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Tokenizer as PeerTokenizer } from '@huggingface/tokenizers';
import { initNodeBackend } from '../../src/node';
import type { Classifier } from '../../src/classifier/types';
import { ExportError } from '../../src/errors';
import { exportClassifier, hfExactness } from '../../src/export';
import { readExportSource } from '../../src/export/export-source';
import type { LoadedModel } from '../../src/model/types';
import { fixtureModel } from '../../test-support/fixture-model';
import { trainClassifier } from '../../src/train/pipeline';
import { createTokenizer } from '../../src/tokenizer';
import { readSafetensors } from '../../src/weights/safetensors';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { agreement, fittingTexts, ortProbs, referenceProbs, smsDataset, SMS, SMS_SUBSET } from './support';

const HF_TOKENIZER = 'data/format-fixtures/hf/bert-tiny-finetuned/tokenizer.json';
const skip =
  skipUnlessShared(SMS) || skipUnlessShared(HF_TOKENIZER) || skipUnlessShared('data/bert-base-uncased/vocab.txt');

let dir = '';
let model: LoadedModel;
let pooler: Classifier;
let mean: Classifier;
let texts: string[] = [];

before(async () => {
  if (skip) return;
  await initNodeBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'bb-export-hf-'));
  model = await fixtureModel(path.join(dir, 'model'), { shape: 'bert-tiny', seed: 11 });
  const data = await smsDataset(SMS_SUBSET);
  pooler = (await trainClassifier({ model, dataset: data, options: { pooling: 'pooler', seed: 4, epochs: 6 } }))
    .classifier;
  mean = (await trainClassifier({ model, dataset: data, options: { pooling: 'mean', seed: 4, epochs: 2 } })).classifier;
  texts = (await smsDataset()).texts.slice(300, 600);
});
after(async () => {
  pooler?.dispose();
  mean?.dispose();
  model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** BertForSequenceClassification in float64 from the exported files alone (reference forward + classifier). */
function hfReferenceProbs(
  weights: Uint8Array,
  config: Record<string, unknown>,
  tokenizerJson: unknown,
  list: readonly string[],
): Float64Array {
  const tensors = readSafetensors(weights).tensors;
  const tokenizer = createTokenizer({ tokenizerJson }, { maxLength: 128 });
  const H = config.hidden_size as number;
  const w = tensors.get('classifier.weight')!;
  const C = w.shape[0]!;
  assert.deepEqual(w.shape, [C, H], 'classifier.weight is [labels, hidden] like torch.nn.Linear');
  const W = new Float32Array(w.data.slice().buffer);
  const b = new Float32Array(tensors.get('classifier.bias')!.data.slice().buffer);
  const src = {
    config: {
      ...config,
      vocabSize: config.vocab_size,
      hiddenSize: H,
      numHiddenLayers: config.num_hidden_layers,
      numAttentionHeads: config.num_attention_heads,
      intermediateSize: config.intermediate_size,
      hiddenAct: config.hidden_act,
      layerNormEps: config.layer_norm_eps,
      maxPositionEmbeddings: config.max_position_embeddings,
      typeVocabSize: config.type_vocab_size,
    },
    encoder: tensors,
    tokenizer,
    pooling: 'pooler',
    manifest: { max_length: 128, normalize: false },
    // classifier.weight [C, H] back to a Dense kernel [H, C] for the shared float64 head loop
    head: {
      classes: C,
      layers: [
        {
          inputDim: H,
          units: C,
          activation: 'linear',
          bias: b,
          kernel: Float32Array.from({ length: H * C }, (_, k) => W[(k % C) * H + Math.floor(k / C)]!),
        },
      ],
    },
  };
  return referenceProbs(src as never, list);
}

test(
  'pooler classifier → hf: BertForSequenceClassification safetensors + config = classify() (float64 reference)',
  { skip },
  async () => {
    const bundle = await pooler.toBundle();
    const res = await exportClassifier(bundle, { format: 'hf', model });
    assert.equal(res.exactness.find((e) => e.format === 'hf')!.exact, true);
    const names = [...readSafetensors(res.files['model.safetensors']!).tensors.keys()];
    assert.ok(names.includes('bert.pooler.dense.weight') && names.includes('classifier.bias'));
    assert.ok(
      names.every((n) => n.startsWith('bert.') || n.startsWith('classifier.')),
      'HF BertForSequenceClassification names',
    );
    const config = JSON.parse(new TextDecoder().decode(res.files['config.json'])) as Record<string, unknown>;
    assert.deepEqual(config.architectures, ['BertForSequenceClassification']);
    assert.equal(config.torch_dtype, 'float32');
    for (const f of ['vocab.txt', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'README.md']) {
      assert.ok(res.files[f], `${f} in the hf export`);
    }
    const list = texts.slice(0, 60);
    const tokenizerJson = JSON.parse(new TextDecoder().decode(res.files['tokenizer.json'])) as unknown;
    const ref = hfReferenceProbs(res.files['model.safetensors']!, config, tokenizerJson, list);
    const a = agreement(await pooler.predictProba(list), ref, 2);
    console.log(
      `# hf (pooler) float64 reference of the exported files vs classify(): max |Δ| ${a.maxAbs.toExponential(2)}, top ${a.sameTop}/${a.n}`,
    );
    assert.ok(a.maxAbs <= 1e-4 && a.sameTop === a.n);

    const f16 = await exportClassifier(bundle, { format: 'hf', model, dtype: 'float16' });
    const t16 = readSafetensors(f16.files['model.safetensors']!).tensors;
    assert.ok([...t16.values()].every((t) => t.dtype === 'F16'));
    assert.match(new TextDecoder().decode(f16.files['config.json']), /"torch_dtype": "float16"/);
    await assert.rejects(exportClassifier(bundle, { format: 'hf', model, dtype: 'int8' }), ExportError);
  },
);

test(
  'pooler classifier → transformersjs ONNX: onnxruntime-web vs classify() and vs the float64 reference',
  { skip },
  async () => {
    const bundle = await pooler.toBundle();
    const src = readExportSource(bundle, model);
    const res = await exportClassifier(bundle, { format: 'onnx', model });
    assert.ok(res.files['model.onnx'] && !res.files['onnx/model.onnx'], 'onnx format: model.onnx at the top');
    const list = fittingTexts(src.tokenizer, texts, 128);
    const ours = await pooler.predictProba(list);
    const ortP = await ortProbs(res.files['model.onnx']!, src.tokenizer, list, 128, 2);
    const a = agreement(ortP, ours, 2);
    const ref = referenceProbs(src, list.slice(0, 60));
    const aRef = agreement(ortP.subarray(0, 120), ref, 2);
    const oursRef = agreement(ours.subarray(0, 120), ref, 2);
    console.log(
      `# pooler, onnxruntime-web vs classify(): max |Δ| ${a.maxAbs.toExponential(2)}, top ${a.sameTop}/${a.n}; ` +
        `vs float64 reference: ORT ${aRef.maxAbs.toExponential(2)}, classify() ${oursRef.maxAbs.toExponential(2)}`,
    );
    assert.ok(a.maxAbs <= 1e-4, `max |Δ| ${a.maxAbs}`);
    assert.equal(a.sameTop, a.n);
  },
);

test(
  'mean classifier: hf is refused (not exact) with the reason; transformersjs/onnx are the exact formats',
  { skip },
  async () => {
    const bundle = await mean.toBundle();
    await assert.rejects(exportClassifier(bundle, { format: 'hf', model }), (e: unknown) => {
      assert.ok(e instanceof ExportError);
      assert.match(e.message, /pools with 'mean'.*transformersjs or onnx/);
      return true;
    });
    const src = readExportSource(bundle, model);
    assert.equal(hfExactness(src).exact, false);
    const res = await exportClassifier(bundle, { format: 'transformersjs', model });
    const card = new TextDecoder().decode(res.files['README.md']);
    assert.match(card, /\*\*hf\*\*: NOT exact/);
    assert.match(card, /\*\*transformersjs\*\*: exact/);
    const config = JSON.parse(new TextDecoder().decode(res.files['config.json'])) as {
      browser_bert: { exact: unknown };
    };
    assert.deepEqual(Object.keys(config.browser_bert.exact as object), ['transformersjs', 'onnx', 'hf']);
  },
);

test(
  'tokenizer.json: the structure HF writes (real file) and the same ids in @huggingface/tokenizers on the SMS corpus',
  { skip },
  async () => {
    const bundle = await mean.toBundle();
    const res = await exportClassifier(bundle, { format: 'transformersjs', model });
    const ours = JSON.parse(new TextDecoder().decode(res.files['tokenizer.json'])) as Record<string, unknown>;
    const real = JSON.parse(await readFile(sharedPath(HF_TOKENIZER)!, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(
      ours,
      real,
      'same tokenizer.json as BertTokenizerFast.save_pretrained for the same vocab/settings',
    );
    const config = JSON.parse(new TextDecoder().decode(res.files['tokenizer_config.json'])) as Record<string, unknown>;
    assert.equal(config.model_max_length, 128, "model_max_length is the classifier's truncation length");
    const peer = new PeerTokenizer(ours, config);
    const src = readExportSource(bundle, model);
    const all = (await smsDataset()).texts;
    for (const text of all) {
      const mine = Array.from(src.tokenizer.encode(text, undefined, { maxLength: 100_000 }).inputIds).join(',');
      assert.equal(peer.encode(text).ids.map(Number).join(','), mine, JSON.stringify(text));
    }
    const back = createTokenizer({ tokenizerJson: ours, tokenizerConfig: config }, { maxLength: 128 });
    const { maxLength: _a, modelMaxLength: _b, ...mine } = src.tokenizer.settings;
    const { maxLength: _c, modelMaxLength: modelMax, ...theirs } = back.settings;
    assert.deepEqual(theirs, mine, 'our own reader rebuilds the same tokenizer settings');
    assert.equal(modelMax, 128);
  },
);
