import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerClient, WorkerError } from './client';
import type { Request, Response } from './protocol';

/** A stand-in for a Worker: records what the page posts and lets the test answer. */
class FakeWorker {
  sent: Request[] = [];
  terminated = false;
  onmessage: ((ev: MessageEvent<Response>) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  postMessage(msg: Request): void {
    this.sent.push(msg);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(msg: Response): void {
    this.onmessage?.({ data: msg } as MessageEvent<Response>);
  }
  fail(message: string): void {
    this.onerror?.({ message, preventDefault() {} } as ErrorEvent);
  }
}

function setup() {
  const workers: FakeWorker[] = [];
  const client = new WorkerClient(() => {
    const w = new FakeWorker();
    workers.push(w);
    return w as unknown as Worker;
  });
  return { client, workers, current: () => workers[workers.length - 1]! };
}

test('a call gets its own progress messages, then its result', async () => {
  const { client, current } = setup();
  const seen: number[] = [];
  const a = client.call('predict', { texts: ['x'] });
  const b = client.call('load', { source: { kind: 'hub', id: 'o/m', revision: 'main', endpoint: 'http://h' } }, (p) =>
    seen.push(p.loaded),
  );
  const [ra, rb] = current().sent;
  assert.equal(ra?.type, 'predict');
  assert.equal(rb?.type, 'load');
  assert.notEqual(ra?.id, rb?.id);
  current().reply({
    id: b.id,
    type: 'progress',
    op: 'load',
    progress: { file: 'f', loaded: 5, total: 10, done: false, fromCache: false },
  });
  current().reply({
    id: a.id,
    type: 'result',
    op: 'predict',
    result: { predictions: [{ label: 'spam', scores: { spam: 1 } }], ms: 1 },
  });
  assert.equal((await a.promise).predictions[0]?.label, 'spam');
  assert.deepEqual(seen, [5]);
  current().reply({
    id: 999,
    type: 'progress',
    op: 'load',
    progress: { file: 'f', loaded: 7, total: 10, done: false, fromCache: false },
  });
  assert.deepEqual(seen, [5], 'messages for other ids are not delivered');
});

test('an error answer rejects with the code and the hint', async () => {
  const { client, current } = setup();
  const c = client.call('dataset', { source: { kind: 'text', text: 'x', name: 'p' }, options: {} });
  current().reply({
    id: c.id,
    type: 'error',
    op: 'dataset',
    error: { name: 'DataError', code: 'DATA', message: 'bad', hint: 'fix it' },
  });
  await assert.rejects(c.promise, (e: unknown) => e instanceof WorkerError && e.code === 'DATA' && e.hint === 'fix it');
});

test('cancel sends a cancel request naming the call', () => {
  const { client, current } = setup();
  const c = client.call('train', {
    options: {
      pooling: 'mean',
      head: 'linear',
      hiddenUnits: 8,
      epochs: 1,
      learningRate: 0.001,
      fineTuneLayers: 0,
      fineTuneLearningRate: 5e-5,
      seed: 1,
      ratios: [0.8, 0.1, 0.1],
      batchSize: 8,
    },
  });
  c.cancel();
  const last = current().sent.at(-1);
  assert.equal(last?.type, 'cancel');
  assert.equal(last?.type === 'cancel' ? last.target : undefined, c.id);
});

test('a crashed worker rejects what was pending, is replaced, and the page is told', async () => {
  const { client, workers } = setup();
  let told = '';
  client.onCrash = (m) => (told = m);
  const c = client.call('predict', { texts: ['x'] });
  workers[0]!.fail('Out of memory');
  await assert.rejects(c.promise, (e: unknown) => e instanceof WorkerError && e.code === 'OOM');
  assert.equal(workers.length, 2);
  assert.equal(workers[0]!.terminated, true);
  assert.equal(client.generation, 1);
  assert.match(told, /Out of memory/);
  const d = client.call('listSaved', {});
  assert.equal(workers[1]!.sent[0]?.type, 'listSaved', 'new calls go to the new worker');
  workers[1]!.reply({ id: d.id, type: 'result', op: 'listSaved', result: [] });
  assert.deepEqual(await d.promise, []);
});
