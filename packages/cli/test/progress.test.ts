import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createProgress, formatBytes } from '../src/progress';

function sink(tty: boolean) {
  let text = '';
  const s = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  }) as Writable & { isTTY?: boolean; columns?: number; cursorTo?: unknown; clearLine?: unknown; moveCursor?: unknown };
  if (tty) {
    s.isTTY = true;
    s.columns = 120;
    s.cursorTo = (_x: number, _y?: number, cb?: () => void) => (cb?.(), true);
    s.moveCursor = (_x: number, _y: number, cb?: () => void) => (cb?.(), true);
    s.clearLine = (_d: number, cb?: () => void) => (cb?.(), true);
  }
  return { s, text: () => text };
}

test('formatBytes', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(17_500_000), '16.7 MB');
  assert.equal(formatBytes(2 * 1024 ** 3), '2.00 GB');
});

test('without a terminal: a line per large file and per finished task, nothing for small or cached files', () => {
  const { s, text } = sink(false);
  const p = createProgress(s);
  p.file({ file: 'config.json', loaded: 600, total: 600, done: true, fromCache: false });
  p.file({ file: 'model.safetensors', loaded: 1 << 20, total: 3 << 20, done: false, fromCache: false });
  p.file({ file: 'model.safetensors', loaded: 3 << 20, total: 3 << 20, done: true, fromCache: false });
  p.file({ file: 'vocab.txt', loaded: 5 << 20, total: 5 << 20, done: true, fromCache: true });
  const t = p.task('embedding', 10, 'texts');
  t.update(10);
  t.stop();
  p.stop();
  const lines = text().trimEnd().split('\n');
  assert.equal(lines[0], 'read model.safetensors (3.0 MB)');
  assert.match(lines[1]!, /^embedding: 10\/10 texts in \d+\.\d s$/);
  assert.equal(lines.length, 2);
});

test('on a terminal: cli-progress bars with the file name, bytes and percentage', () => {
  const { s, text } = sink(true);
  const p = createProgress(s);
  p.file({ file: 'model.safetensors', loaded: 0, total: 4 << 20, done: false, fromCache: false });
  p.file({ file: 'model.safetensors', loaded: 4 << 20, total: 4 << 20, done: true, fromCache: false });
  const t = p.task('embedding', 4, 'texts');
  t.update(4);
  t.stop();
  p.stop();
  const out = text();
  assert.match(out, /model\.safetensors \|.*\| 100% 4\.0 MB \/ 4\.0 MB/);
  assert.match(out, /embedding .*\| 100% 4\/4 texts/);
});
