import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeBertCheckpoint } from '../packages/core/test-support/fixtures';
import { repoRoot, sharedPath, skipUnlessShared } from '../packages/core/test-support/shared';

const run = promisify(execFile);
const SMS = 'data/sms-spam/SMSSpamCollection.tsv';

test('README shows examples/quickstart.ts verbatim', async () => {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const example = await readFile(path.join(repoRoot, 'examples/quickstart.ts'), 'utf8');
  assert.ok(readme.includes('```ts\n' + example + '```'), 'README library example differs from examples/quickstart.ts');
});

test(
  'the README library example runs: trains, saves, reloads and classifies',
  { skip: skipUnlessShared(SMS) || skipUnlessShared('data/bert-base-uncased/vocab.txt') },
  async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bb-quickstart-'));
    const model = path.join(dir, 'model');
    await makeBertCheckpoint(model, { shape: 'bert-tiny', seed: 7 });
    // A stratified 600-row slice of the SMS corpus keeps this quick.
    const lines = (await readFile(sharedPath(SMS) as string, 'utf8')).split('\n').filter(Boolean);
    const spam = lines.filter((l) => l.startsWith('spam\t')).slice(0, 100);
    const ham = lines.filter((l) => l.startsWith('ham\t')).slice(0, 500);
    const data = path.join(dir, 'sms.tsv');
    await writeFile(data, [...ham, ...spam].join('\n') + '\n');
    const out = path.join(dir, 'clf');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'examples/quickstart.ts'), model, data, out],
      { cwd: repoRoot, env: { ...process.env, BROWSER_BERT_CACHE: path.join(dir, 'cache') }, maxBuffer: 1 << 24 },
    );
    assert.match(stdout, /random-init encoder: pipeline check/);
    assert.match(stdout, /label: '(ham|spam)'/);
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { labels: string[] };
    assert.deepEqual(manifest.labels, ['ham', 'spam']);
  },
);
