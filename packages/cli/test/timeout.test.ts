/**
 * Issue 14 through the CLI: --timeout (and BROWSER_BERT_TIMEOUT_MS) bound how long a stalled hub download may hang a
 * command: one line naming the file and the option, exit 1; a bad value is a usage error (exit 2).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeBertCheckpoint } from '../../core/test-support/fixtures';
import { SMALL_SHAPE } from '../../core/test-support/hub-fixtures';
import { startHubServer, type HubServer } from '../../core/test-support/hub-server';
import { runCli } from '../test-support/run-cli';

let tmp = '';
let hub: HubServer;
let env: NodeJS.ProcessEnv = {};

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-cli-timeout-'));
  await makeBertCheckpoint(path.join(tmp, 'm'), { shape: SMALL_SHAPE, seed: 2 });
  hub = await startHubServer({ 'org/m@main': path.join(tmp, 'm') });
  hub.faults.set('org/m@main/config.json', 'stall-body');
  env = { HF_ENDPOINT: hub.endpoint, BROWSER_BERT_CACHE: path.join(tmp, 'cache') };
});
after(async () => {
  await hub?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('tokenize --timeout 300 against a stalled hub: exit 1 within seconds, one line naming the option', async () => {
  const t0 = performance.now();
  const r = await runCli(['tokenize', '--model', 'org/m', '--timeout', '300'], 'hello\n', env);
  const ms = performance.now() - t0;
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(
    r.stderr,
    /download of config\.json stalled: no bytes for 300 ms .*--timeout MS or BROWSER_BERT_TIMEOUT_MS/,
  );
  assert.ok(ms < 8_000, `${ms} ms`);
});

test('BROWSER_BERT_TIMEOUT_MS does the same; --timeout overrides it', async () => {
  const r = await runCli(['tokenize', '--model', 'org/m'], 'hello\n', { ...env, BROWSER_BERT_TIMEOUT_MS: '250' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no bytes for 250 ms/);
  const o = await runCli(['tokenize', '--model', 'org/m', '--timeout', '200'], 'hello\n', {
    ...env,
    BROWSER_BERT_TIMEOUT_MS: '250',
  });
  assert.match(o.stderr, /no bytes for 200 ms/);
});

test('a bad --timeout is a usage error', async () => {
  const r = await runCli(['tokenize', '--model', 'org/m', '--timeout', 'soon'], 'hello\n', env);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--timeout must be an integer/);
});
