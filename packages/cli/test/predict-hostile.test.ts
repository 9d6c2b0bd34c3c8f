/**
 * Issue 14 through the CLI: `browser-bert predict --classifier DIR` with a bundle whose head/model.json names a file
 * outside the bundle (defect 1) or whose head/weights.bin is truncated (defect 2) exits non-zero with one line and
 * prints no scores; the outside file (a FIFO, see core's fifo-probe) is never opened.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initNodeBackend } from '@browser-bert/core/node';
import { makeFifo, watchFifos } from '../../core/test-support/fifo-probe';
import { makeTinyClassifier, type TinyClassifier } from '../../core/test-support/tiny-classifier';
import { runCli } from '../test-support/run-cli';

let tmp = '';
let tiny: TinyClassifier;
let env: NodeJS.ProcessEnv = {};

before(async () => {
  await initNodeBackend('wasm');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-cli-hostile-'));
  tiny = await makeTinyClassifier(tmp);
  env = { BROWSER_BERT_CACHE: path.join(tmp, 'cache') };
});
after(async () => {
  tiny?.model.dispose();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function damagedCopy(name: string, edit: (dir: string) => Promise<void>): Promise<string> {
  const dir = path.join(tmp, name);
  await cp(tiny.clfDir, dir, { recursive: true });
  await edit(dir);
  return dir;
}

test('the intact classifier predicts (exit 0), so the failures below come from the damage', async () => {
  const r = await runCli(['predict', '--classifier', tiny.clfDir], 'win money now\n', env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\{"label":"(ham|spam)","scores":/);
});

test('defect 1: head/model.json naming a file outside the bundle → exit 1, one line, outside file never opened', async (t) => {
  const outside = path.join(tmp, 'passwd');
  const fifo = makeFifo(outside);
  if (!fifo) {
    t.diagnostic('mkfifo unavailable: "never opened" not checked');
    await writeFile(outside, 'root:x:0:0');
  }
  for (const p of ['../../../../etc/passwd', '../../passwd']) {
    const dir = await damagedCopy('evil', async (d) => {
      const file = path.join(d, 'head', 'model.json');
      const head = JSON.parse(await readFile(file, 'utf8')) as { weightsManifest: { paths: string[] }[] };
      head.weightsManifest[0]!.paths = [p];
      await writeFile(file, JSON.stringify(head));
    });
    const { result, opened } = await watchFifos(fifo ? [outside] : [], () =>
      runCli(['predict', '--classifier', dir], 'win money now\n', env),
    );
    assert.deepEqual(opened, [], 'the outside file was opened');
    assert.equal(result.status, 'fulfilled');
    const r = (result as PromiseFulfilledResult<Awaited<ReturnType<typeof runCli>>>).value;
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '', 'no scores printed');
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('browser-bert predict:'));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, new RegExp(`Refusing file name "${p.replace(/\./g, '\\.')}" in head/model\\.json`));
    assert.match(lines[0]!, /plain relative paths/);
    await rm(dir, { recursive: true });
  }
});

test('defect 2: a truncated head/weights.bin → exit 1 and one line saying the bundle is damaged', async () => {
  const dir = await damagedCopy('truncated', async (d) => {
    const file = path.join(d, 'head', 'weights.bin');
    await writeFile(file, (await readFile(file)).subarray(0, 25));
  });
  const r = await runCli(['predict', '--classifier', dir], 'win money now\n', env);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /browser-bert predict: head\/weights\.bin has 25 bytes but head\/model\.json describes \d+ bytes of weights — the classifier bundle is damaged/,
  );
  assert.doesNotMatch(r.stderr, /Based on the provided shape/);
});
