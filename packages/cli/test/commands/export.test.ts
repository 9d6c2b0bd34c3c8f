import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeBertCheckpoint } from '../../../core/test-support/fixtures';
import { sharedPath, skipUnlessShared } from '../../../core/test-support/shared';
import { runCli } from '../../test-support/run-cli';

const DATA = 'data/sms-spam/bigml-subset.tsv';
const skip = skipUnlessShared(DATA) || skipUnlessShared('data/bert-base-uncased/vocab.txt');
let tmp = '';
let clf = '';
let reportFile = '';
let env: NodeJS.ProcessEnv = {};

before(async () => {
  if (skip) return;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-cli-export-'));
  const modelDir = path.join(tmp, 'bert-tiny');
  await makeBertCheckpoint(modelDir, { shape: 'bert-tiny', seed: 21 });
  env = { BROWSER_BERT_CACHE: path.join(tmp, 'cache') };
  clf = path.join(tmp, 'clf');
  reportFile = path.join(tmp, 'report.json');
  const r = await runCli(
    ['train', '--model', modelDir, '--data', sharedPath(DATA)!, '--epochs', '3', '--out', clf, '--report', reportFile],
    '',
    env,
  );
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const noLeftovers = async () =>
  assert.deepEqual(
    (await readdir(tmp)).filter((n) => /\.(tmp|old)-/.test(n)),
    [],
    'no temp folder left behind',
  );

test(
  'export --format transformersjs: the folder, exactness per format, the model card with the report',
  { skip },
  async () => {
    const out = path.join(tmp, 'tjs');
    const r = await runCli(
      [
        'export',
        '--classifier',
        clf,
        '--format',
        'transformersjs',
        '--out',
        out,
        '--dtype',
        'float16',
        '--report',
        reportFile,
      ],
      '',
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^exact: transformersjs/m);
    assert.match(r.stdout, /^not exact: hf — not exact: it pools with 'mean'/m);
    assert.match(r.stdout, /onnx\/model_fp16\.onnx/);
    for (const f of [
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/model.onnx',
      'onnx/model_fp16.onnx',
      'README.md',
      'manifest.json',
    ]) {
      assert.ok(existsSync(path.join(out, f)), f);
    }
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as { test: { accuracy: number } };
    const card = await readFile(path.join(out, 'README.md'), 'utf8');
    assert.ok(card.includes(`value: ${report.test.accuracy}\n`), 'the card has the report test accuracy');
    assert.match(card, /Per class on the test split/);
    // a second export into the same folder is refused without --force, and keeps the folder
    const again = await runCli(['export', '--classifier', clf, '--format', 'onnx', '--out', out], '', env);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists and is not empty.*--force/);
    assert.ok(existsSync(path.join(out, 'onnx/model_fp16.onnx')));
    const forced = await runCli(['export', '--classifier', clf, '--format', 'onnx', '--out', out, '--force'], '', env);
    assert.equal(forced.code, 0, forced.stderr);
    assert.ok(existsSync(path.join(out, 'model.onnx')) && !existsSync(path.join(out, 'onnx')));
    await noLeftovers();
  },
);

test('export refuses what it cannot do exactly, and bad bundles, writing nothing', { skip }, async () => {
  const hf = path.join(tmp, 'hf');
  const r = await runCli(['export', '--classifier', clf, '--format', 'hf', '--out', hf], '', env);
  assert.equal(r.code, 1);
  const last = r.stderr.trim().split('\n').pop()!; // earlier lines: model loading progress
  assert.match(
    last,
    /^browser-bert export: This classifier cannot be exported as BertForSequenceClassification.*use --format transformersjs or onnx/,
  );
  assert.ok(!existsSync(hf));

  const broken = path.join(tmp, 'broken');
  await cp(clf, broken, { recursive: true });
  await rm(path.join(broken, 'head', 'weights.bin'));
  const out = path.join(tmp, 'from-broken');
  const b = await runCli(['export', '--classifier', broken, '--format', 'transformersjs', '--out', out], '', env);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /missing head\/weights\.bin/);
  assert.ok(!existsSync(out));

  const u = await runCli(['export', '--classifier', clf, '--format', 'tflite', '--out', out], '', env);
  assert.equal(u.code, 2);
  assert.match(u.stderr, /--format must be one of transformersjs\|onnx\|hf/);
  await noLeftovers();
});
