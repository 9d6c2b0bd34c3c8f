/**
 * Issue 14 through the CLI: `browser-bert train --out DIR` killed (SIGINT / SIGTERM) at seeded random points around
 * its save leaves DIR holding the previous classifier or the new one, complete — never a half-written folder — and
 * the next run's save cleans up what the killed one left. The CLI runs as a real child process.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadClassifier, mulberry32 } from '@browser-bert/core';
import { initNodeBackend, readBundleFolder } from '@browser-bert/core/node';
import { makeBertCheckpoint } from '../../core/test-support/fixtures';
import { SMALL_SHAPE } from '../../core/test-support/hub-fixtures';

const CHILD = path.join(import.meta.dirname, '..', 'test-support', 'cli-child.ts');
let tmp = '';
let modelDir = '';
let data = '';
let env: NodeJS.ProcessEnv = {};

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'bb-cli-kill-'));
  modelDir = path.join(tmp, 'model');
  await makeBertCheckpoint(modelDir, { shape: SMALL_SHAPE, seed: 5 });
  data = path.join(tmp, 'data.tsv');
  const rows: string[] = [];
  for (let i = 0; i < 40; i++)
    rows.push(`${i % 2 ? 'spam' : 'ham'}\t${i % 2 ? 'win money now' : 'see you at lunch'} ${i}`);
  await writeFile(data, rows.join('\n'));
  env = { ...process.env, BROWSER_BERT_CACHE: path.join(tmp, 'cache') };
  await initNodeBackend('wasm');
});
after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/**
 * Runs `train --out out --report report` (fine-tuned, so the bundle includes the encoder and its save is the
 * longest); with `kill`, sends that signal `delayMs` after the report file appears (it is written just before the
 * save).
 */
async function train(out: string, seed: number, kill?: { signal: NodeJS.Signals; delayMs: number }) {
  const report = path.join(tmp, `report-${seed}.json`);
  await rm(report, { force: true });
  const args = ['--conditions=@browser-bert/source', '--import', 'tsx', CHILD, 'train', '--model', modelDir];
  args.push('--data', data, '--epochs', '1', '--fine-tune-layers', 'all', '--seed', String(seed));
  args.push('--out', out, '--report', report);
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  let done = false;
  void exited.then(() => (done = true));
  if (kill) {
    while (!done && !existsSync(report)) await new Promise((r) => setTimeout(r, 1));
    await new Promise((r) => setTimeout(r, kill.delayMs));
    child.kill(kill.signal);
  }
  return { ...(await exited), stderr };
}

test('train --out killed around its save: the folder holds the previous or the new classifier, never half', async (t) => {
  const out = path.join(tmp, 'clf');
  const first = await train(out, 1);
  assert.equal(first.code, 0, first.stderr);
  // the kill schedule is fixed by the seed; where each kill lands still depends on timing
  const random = mulberry32(1414);
  const KILLS = 6;
  let replaced = 0;
  let beforeSave = 0;
  let inside = 0;
  for (let k = 0; k < KILLS; k++) {
    const previous = (await readBundleFolder(out)).manifest.created_at;
    const signal = random() < 0.5 ? 'SIGINT' : 'SIGTERM';
    const r = await train(out, 10 + k, { signal, delayMs: Math.floor(random() * 40) });
    if ((await readdir(tmp)).some((n) => n.startsWith('.clf.'))) inside++; // a temp folder or lock: killed mid-save
    // Complete: every listed file present (readBundleFolder), head and encoder weights of the right sizes (the
    // classifier loads), and it classifies; any half-written file makes this throw.
    const now = await readBundleFolder(out);
    const clf = await loadClassifier(out);
    try {
      assert.equal((await clf.classify(['win money now'])).length, 1);
    } finally {
      clf.dispose();
    }
    if (r.signal === null)
      replaced++; // finished before the signal
    else if (now.manifest.created_at === previous) beforeSave++;
    else replaced++;
    assert.ok(r.signal === signal || r.code === 0, `killed or finished (${r.code} ${r.signal}): ${r.stderr}`);
  }
  t.diagnostic(
    `${KILLS} kills: ${inside} inside the save, ${beforeSave} kept the previous classifier, ${replaced} ended with the new one`,
  );
  const last = await train(out, 99);
  assert.equal(last.code, 0, last.stderr);
  assert.deepEqual(
    (await readdir(tmp)).filter((n) => n.startsWith('.clf.')),
    [],
    'the last save removed what the killed ones left',
  );
});
