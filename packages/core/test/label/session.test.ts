import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError, UsageError } from '../../src/errors';
import { UNLABELLED } from '../../src/label/label-set';
import { createLabellingSession, restoreLabellingSession } from '../../src/label/session';
import { blobs } from './toy-data';

function setup(extra: { retrainEvery?: number; folds?: number } = {}) {
  const { features, labels } = blobs([60, 60, 60], 6, 21, 1);
  const texts = Array.from(labels, (l, i) => `text ${i} (class ${l})`);
  const session = createLabellingSession({
    set: { classes: ['a', 'b', 'c'], texts, labels: texts.map(() => UNLABELLED) },
    features,
    retrainEvery: 3,
    seed: 5,
    ...extra,
  });
  return { session, features, truth: labels };
}

test('label, skip, undo; retrain every N changes; the curve, the estimate and the pool counts', () => {
  const { session, truth } = setup();
  assert.equal(session.model, undefined);
  assert.equal(session.suggest(1)[0]!.reason, 'cold-start');
  assert.equal(session.label(0, 'a'), undefined);
  assert.equal(session.label(60, 1), undefined);
  const p1 = session.label(120, 'c');
  assert.ok(p1, 'the third change retrains');
  assert.deepEqual(p1.perClass, [1, 1, 1]);
  assert.equal(p1.cvAccuracy, undefined, 'no class has 2 labels yet');
  assert.equal(
    p1.poolCounts.reduce((a, b) => a + b, 0),
    177,
    'every unlabelled text is predicted',
  );
  assert.ok(session.model);
  // label what the session suggests, with the true class, for a few rounds
  for (let k = 0; k < 12; k++) {
    const [s] = session.suggest(1);
    assert.equal(session.labelOf(s!.index), UNLABELLED);
    session.label(s!.index, truth[s!.index]!);
  }
  assert.equal(session.curve.length, 5);
  const last = session.curve.at(-1)!;
  assert.equal(last.labelled, 15);
  // the estimate from 15 labels tracks the head's real accuracy on the texts it has not seen
  const probs = session.predictions()!;
  let right = 0;
  let unseen = 0;
  truth.forEach((t, i) => {
    if (session.labelOf(i) !== UNLABELLED) return;
    unseen++;
    const p = probs.subarray(i * 3, i * 3 + 3);
    if (p.indexOf(Math.max(...p)) === t) right++;
  });
  assert.ok(right / unseen > 0.9, `separable blobs: accuracy on the unlabelled texts ${right / unseen}`);
  assert.ok(Math.abs(last.cvAccuracy! - right / unseen) < 0.2, `cv ${last.cvAccuracy} vs real ${right / unseen}`);
  assert.equal(
    last.poolCounts.reduce((a, b) => a + b, 0),
    unseen,
  );
  assert.ok(last.cvFolds >= 2);
  // skip: never suggested again until undone
  const [s] = session.suggest(1);
  session.skip(s!.index);
  assert.ok(!session.suggest(50).some((x) => x.index === s!.index));
  assert.equal(session.undo()?.kind, 'skip');
  assert.equal(session.isSkipped(s!.index), false);
  // undo a label; relabelling records the previous label
  session.label(5, 'b');
  session.label(5, 'a');
  assert.deepEqual(session.undo(), { kind: 'label', index: 5, label: 0, previous: 1 });
  assert.equal(session.labelOf(5), 1);
  assert.equal(session.undo()?.kind, 'label');
  assert.equal(session.labelOf(5), UNLABELLED);
  assert.throws(() => session.label(5, 'zzz'), UsageError);
  assert.throws(() => session.label(999, 'a'), UsageError);
});

test('a typed example joins the pool with its features; undo keeps the text, unlabelled', () => {
  const { session, features } = setup({ retrainEvery: 1 });
  session.label(0, 'a');
  session.label(60, 'b');
  const vector = features.data.slice(61 * 6, 62 * 6); // looks like class b
  const { index, point } = session.addExample('  my own example ', 'b', vector);
  assert.equal(index, 180);
  assert.equal(session.texts[180], 'my own example');
  assert.equal(point?.labelled, 3);
  assert.equal(session.predictions()!.length, 181 * 3);
  assert.throws(() => session.addExample('x', 'a', [1, 2]), UsageError);
  assert.throws(() => session.addExample('   ', 'a', vector), UsageError);
  assert.equal(session.undo()?.kind, 'add');
  assert.equal(session.texts[180], 'my own example', 'nothing typed is lost');
  assert.equal(session.labelOf(180), UNLABELLED);
  assert.equal(session.addClass('d'), 3);
  assert.equal(session.predictions()!.length, 181 * 4);
});

test('state() is JSON; restore gives the same labels, suggestions and predictions; damage is a DataError', () => {
  const { session, features, truth } = setup();
  for (let k = 0; k < 10; k++) {
    const [s] = session.suggest(1);
    session.label(s!.index, truth[s!.index]!);
  }
  session.addExample('typed', 'c', features.data.slice(130 * 6, 131 * 6));
  session.skip(session.suggest(1)[0]!.index);
  session.retrain();
  const json = JSON.parse(JSON.stringify(session.state()));
  const back = restoreLabellingSession(json, features);
  assert.deepEqual(back.labelSet(), session.labelSet());
  const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown; // JSON drops undefined fields
  assert.deepEqual(plain(back.curve), plain(session.curve));
  // the restored head is refitted from scratch (the original was warm-started): same optimum within tolerance
  const [mine, theirs] = [session.suggest(5), back.suggest(5)];
  assert.deepEqual(
    theirs.map((x) => x.index),
    mine.map((x) => x.index),
  );
  mine.forEach((x, i) => x.scores!.forEach((v, k) => assert.ok(Math.abs(v - theirs[i]!.scores![k]!) < 1e-3)));
  const p = session.predictions()!;
  const q = back.predictions()!;
  assert.equal(q.length, p.length);
  p.forEach((v, i) => assert.ok(Math.abs(v - q[i]!) < 1e-4));
  assert.deepEqual(back.undo(), session.undo());
  assert.throws(() => restoreLabellingSession({ ...json, format: 'other' }, features), DataError);
  assert.throws(() => restoreLabellingSession({ ...json, labels: json.labels.slice(1) }, features), DataError);
  assert.throws(() => restoreLabellingSession({ ...json, addedFeatures: [] }, features), DataError);
  assert.throws(() => restoreLabellingSession(json, { dim: 5, data: new Float32Array(900) }), UsageError);
});

test('a partly labelled start retrains at once; bad settings are UsageErrors', () => {
  const { features, labels } = blobs([20, 20], 4, 2);
  const texts = Array.from(labels, (_, i) => `t${i}`);
  const s = createLabellingSession({
    set: { classes: ['x', 'y'], texts, labels: texts.map((_, i) => (i % 10 === 0 ? labels[i]! : UNLABELLED)) },
    features,
  });
  assert.equal(s.curve.length, 1);
  assert.equal(s.curve[0]!.labelled, 4);
  const set = { classes: ['x', 'y'], texts, labels: texts.map(() => UNLABELLED) };
  assert.throws(() => createLabellingSession({ set, features, folds: 1 }), UsageError);
  assert.throws(() => createLabellingSession({ set, features, retrainEvery: 0 }), UsageError);
  assert.throws(() => createLabellingSession({ set, features: { dim: 4, data: new Float32Array(8) } }), UsageError);
});
