import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initNodeBackend } from '@browser-bert/core/node';
import { loadClassifier, parseDataset } from '@browser-bert/core';
import { makeBertCheckpoint } from '../../../core/test-support/fixtures';
import { sharedPath, skipUnlessShared } from '../../../core/test-support/shared';
import { runCli } from '../../test-support/run-cli';

const SMS = 'data/sms-spam/SMSSpamCollection.tsv';
const skip = skipUnlessShared(SMS) || skipUnlessShared('data/bert-base-uncased/vocab.txt');
let tmp = '';
let modelDir = '';
let env: NodeJS.ProcessEnv = {};

before(async () => {
  if (skip) return;
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-cli-train-'));
  modelDir = path.join(tmp, 'bert-tiny');
  await makeBertCheckpoint(modelDir, { shape: 'bert-tiny', seed: 21 });
  env = { BROWSER_BERT_CACHE: path.join(tmp, 'cache') };
  await initNodeBackend('wasm');
});
after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const num = (x: unknown) => typeof x === 'number' && Number.isFinite(x);

test(
  'train on the SMS corpus (random-init bert-tiny) → report JSON with every field, bundle; eval and predict use it',
  { skip },
  async () => {
    const out = path.join(tmp, 'clf');
    const reportFile = path.join(tmp, 'report.json');
    const r = await runCli(
      [
        'train',
        '--model',
        modelDir,
        '--data',
        sharedPath(SMS)!,
        '--epochs',
        '6',
        '--seed',
        '7',
        '--out',
        out,
        '--report',
        reportFile,
      ],
      '',
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /random-init encoder: pipeline check/);
    assert.match(r.stdout, /test confusion/);
    assert.match(r.stderr, /embed: 5\d{3}\/5\d{3} texts/);
    assert.match(r.stderr, /epoch 1: train loss/);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read back from disk
    const rep = JSON.parse(await readFile(reportFile, 'utf8')) as Record<string, any>;
    assert.match(rep.notice, /^random-init encoder: pipeline check/);
    assert.deepEqual(rep.labels, ['ham', 'spam']);
    const { train, validation, test: testN } = rep.splits;
    const rows = parseDataset(await readFile(sharedPath(SMS)!), { fileName: SMS }).texts.length;
    assert.equal(
      train + validation + testN + rep.duplicates_removed,
      rows,
      'every row is in one split or removed as a duplicate',
    );
    assert.ok(rep.duplicates_removed > 300, 'the SMS corpus has ~7 % duplicates');
    assert.ok(num(rep.baseline.majority_accuracy));
    for (const s of ['validation', 'test']) {
      const m = rep[s];
      for (const k of ['accuracy', 'macro_f1', 'roc_auc', 'pr_auc', 'threshold']) assert.ok(num(m[k]), `${s}.${k}`);
      for (const l of ['ham', 'spam'])
        for (const k of ['precision', 'recall', 'f1', 'support']) assert.ok(num(m.per_class[l][k]), `${s}.${l}.${k}`);
      assert.equal(m.confusion.length, 2);
      assert.equal(
        m.confusion.flat().reduce((a: number, b: number) => a + b),
        s === 'test' ? testN : validation,
      );
    }
    assert.equal(rep.test.threshold, rep.validation.threshold, 'one threshold, chosen on validation');
    assert.equal(rep.encoder.source, modelDir);
    assert.match(rep.encoder.revision_or_hash, /^sha256:[0-9a-f]{64}$/);
    assert.equal(rep.encoder.pooling, 'mean');
    assert.equal(rep.encoder.fine_tune_layers, 0);
    assert.equal(rep.encoder.random_init, true);
    for (const k of ['tokenize', 'embed', 'train', 'evaluate', 'total']) assert.ok(num(rep.timing_ms[k]), k);
    console.log(
      `# SMS frozen (random-init bert-tiny): test accuracy ${rep.test.accuracy.toFixed(4)}, spam F1 ${rep.test.per_class.spam.f1.toFixed(4)}, baseline ${rep.baseline.majority_accuracy.toFixed(4)}; timing ${JSON.stringify(rep.timing_ms)}`,
    );
    assert.ok(existsSync(path.join(out, 'manifest.json')));
    assert.deepEqual((await readdir(path.join(out, 'head'))).sort(), ['model.json', 'weights.bin']);

    // a second run with another head re-uses the cached features (the encoder does not run)
    const r2 = await runCli(
      ['train', '--model', modelDir, '--data', sharedPath(SMS)!, '--epochs', '2', '--head', 'hidden'],
      '',
      env,
    );
    assert.equal(r2.code, 0, r2.stderr);
    assert.match(r2.stderr, /from the feature cache \(encoder not run\)/);

    // eval: on rows of the corpus, with the saved threshold
    const lines = (await readFile(sharedPath(SMS)!, 'utf8')).split('\n').slice(0, 120).join('\n');
    const small = path.join(tmp, 'small.tsv');
    await writeFile(small, lines + '\n');
    const evalReport = path.join(tmp, 'eval.json');
    const e = await runCli(['eval', '--classifier', out, '--data', small, '--report', evalReport], '', env);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /accuracy\s+\d+\.\d %/);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read back from disk
    const ev = JSON.parse(await readFile(evalReport, 'utf8')) as Record<string, any>;
    assert.equal(ev.metrics.n, 120);
    assert.match(ev.notice, /random-init encoder/);
    assert.equal(ev.metrics.threshold, rep.validation.threshold);

    // predict: JSON lines equal to the library's classify() on the loaded bundle
    const texts = ['WINNER!! You have won a £1000 prize, call 09061701461 now', 'ok, see you at home later', ''];
    const p = await runCli(['predict', '--classifier', out], texts.join('\n') + '\n', env);
    assert.equal(p.code, 0, p.stderr);
    const got = p.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { label: string; scores: Record<string, number> });
    const clf = await loadClassifier(out);
    assert.deepEqual(got, await clf.classify(texts));
    clf.dispose();
  },
);

test('bad usage gets a one-line error and exit code 2', { skip }, async () => {
  const r = await runCli(['train', '--model', modelDir], '', env);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--data is required/);
  const f = await runCli(
    ['train', '--model', modelDir, '--data', sharedPath(SMS)!, '--fine-tune-layers', 'x'],
    '',
    env,
  );
  assert.equal(f.code, 2);
  assert.match(f.stderr, /--fine-tune-layers must be an integer/);
  const p = await runCli(['predict', '--classifier', path.join(tmp, 'nope')], 'x\n', env);
  assert.equal(p.code, 1);
  assert.match(p.stderr, /has no manifest\.json/);
});

test(
  '--few-shot: contrastive pairs then the head on 16 labels per class; the bundle carries the tuned encoder',
  { skip },
  async () => {
    // 16 examples per class of the SMS corpus (first ones in file order): a few-shot dataset
    const rows = (await readFile(sharedPath(SMS)!, 'utf8')).split('\n').filter((l) => l.includes('\t'));
    const pick = (label: string) => rows.filter((l) => l.startsWith(`${label}\t`)).slice(0, 16);
    const file = path.join(tmp, 'few.tsv');
    await writeFile(file, [...pick('ham'), ...pick('spam')].join('\n') + '\n');
    const out = path.join(tmp, 'few-clf');
    const reportFile = path.join(tmp, 'few.json');
    const args = ['train', '--model', modelDir, '--data', file, '--few-shot', '--few-shot-pairs', '64'];
    const r = await runCli(
      [...args, '--few-shot-epochs', '2', '--seed', '3', '--out', out, '--report', reportFile],
      '',
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /few-shot epoch 1: contrastive loss \d\.\d{4}/);
    assert.match(r.stderr, /few-shot epoch 2: contrastive loss/);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read back from disk
    const rep = JSON.parse(await readFile(reportFile, 'utf8')) as Record<string, any>;
    assert.equal(rep.training.few_shot.pairs, 64);
    assert.equal(rep.training.few_shot.loss.length, 2);
    assert.equal(rep.encoder.fine_tune_layers, 2);
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as {
      encoder: { included: boolean };
    };
    assert.equal(manifest.encoder.included, true);
    const u = await runCli([...args.slice(0, 5), '--few-shot-pairs', '64'], '', env);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /--few-shot-pairs needs --few-shot/);
    const c = await runCli([...args, '--fine-tune-layers', '1'], '', env);
    assert.notEqual(c.code, 0);
    assert.match(c.stderr, /fewShot and fineTuneLayers cannot be combined/);
  },
);
