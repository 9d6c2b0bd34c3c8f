import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors';
import { nearestCentreDistances } from '../../src/label/k-center';
import { fitLogistic, predictLogistic } from '../../src/label/logistic';
import { SAMPLING_STRATEGIES, suggest, type SuggestInput } from '../../src/label/suggest';
import { entropyUncertainty, marginUncertainty } from '../../src/label/uncertainty';
import { blobs } from './toy-data';

/** A pool of 300 texts in 3 blobs, `labelled` rows labelled (their true class), a model fitted on them. */
function pool(labelled: number[]): SuggestInput & { truth: Int32Array } {
  const { features, labels } = blobs([100, 100, 100], 8, 3, 1.8);
  const excluded = new Uint8Array(labels.length);
  for (const r of labelled) excluded[r] = 1;
  const classes = 3;
  const hasTwo = new Set(labelled.map((r) => labels[r])).size >= 2;
  const model = hasTwo
    ? fitLogistic(
        features,
        labelled,
        labelled.map((r) => labels[r]!),
        classes,
      )
    : undefined;
  return {
    features,
    excluded,
    minDistances: nearestCentreDistances(features, labelled, labels.length),
    probs: model ? predictLogistic(model, features) : undefined,
    classes,
    labelled: labelled.length,
    truth: labels,
  };
}

const LABELLED = [0, 1, 2, 100, 101, 200, 250, 40, 140, 240];
/** Active picks from the first label on (the default waits for a random seed set of 4 × classes). */
const NO_SEED = { seedSize: 0 };

test('every strategy is deterministic per seed, changes with the seed, and never suggests an excluded text', () => {
  const input = pool(LABELLED);
  for (const strategy of SAMPLING_STRATEGIES) {
    const a = suggest(input, { strategy, count: 12, seed: 7, ...NO_SEED });
    const b = suggest(input, { strategy, count: 12, seed: 7, ...NO_SEED });
    assert.deepEqual(a, b, strategy);
    assert.equal(a.length, 12);
    assert.equal(new Set(a.map((s) => s.index)).size, 12, `${strategy}: no repeats`);
    for (const s of a) assert.equal(input.excluded[s.index], 0, `${strategy} suggested excluded row ${s.index}`);
    if (strategy === 'random') {
      assert.notDeepEqual(
        a.map((s) => s.index),
        suggest(input, { strategy, count: 12, seed: 8 }).map((s) => s.index),
      );
    }
  }
  // nearly everything excluded: only the open rows come back, fewer than asked
  const almost = { ...input, excluded: new Uint8Array(300).fill(1) };
  almost.excluded[17] = 0;
  almost.excluded[230] = 0;
  for (const strategy of SAMPLING_STRATEGIES) {
    assert.deepEqual(
      suggest(almost, { strategy, count: 5, seed: 1 })
        .map((s) => s.index)
        .sort((x, y) => x - y),
      [17, 230],
    );
  }
});

test('uncertainty picks the least certain texts; the hint carries the current scores', () => {
  const input = pool(LABELLED);
  const picks = suggest(input, { strategy: 'uncertainty', count: 5, seed: 1, ...NO_SEED });
  const unc = Array.from({ length: 300 }, (_, i) => marginUncertainty(input.probs!, i * 3, 3));
  const open = unc.filter((_, i) => !input.excluded[i]).sort((x, y) => y - x);
  assert.deepEqual(
    picks.map((p) => p.uncertainty),
    open.slice(0, 5),
  );
  for (const p of picks) {
    assert.equal(p.reason, 'uncertain');
    assert.deepEqual(p.scores, Array.from(input.probs!.subarray(p.index * 3, p.index * 3 + 3)));
    assert.ok(Math.abs(p.scores!.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  }
  const ent = suggest(input, { strategy: 'uncertainty', count: 1, seed: 1, measure: 'entropy', ...NO_SEED })[0]!;
  assert.equal(ent.uncertainty, entropyUncertainty(input.probs!, ent.index * 3, 3));
});

test('diversity (k-centre greedy) picks the text farthest from every labelled one, then spreads out', () => {
  const input = pool(LABELLED);
  const [first, second] = suggest(input, { strategy: 'diversity', count: 2, seed: 1 });
  const open = Array.from(input.minDistances.keys()).filter((i) => !input.excluded[i]);
  const farthest = open.reduce((a, b) => (input.minDistances[b]! > input.minDistances[a]! ? b : a));
  assert.equal(first!.index, farthest);
  assert.equal(first!.reason, 'diverse');
  assert.ok(Math.abs(first!.distance! - Math.sqrt(input.minDistances[farthest]!)) < 1e-9);
  // the second pick counts the first as a centre
  const after = nearestCentreDistances(input.features, [...LABELLED, farthest], 300);
  const next = open.filter((i) => i !== farthest).reduce((a, b) => (after[b]! > after[a]! ? b : a));
  assert.equal(second!.index, next);
});

test('mixed: k-centre among the most uncertain, a share at random; cold start: a random seed set', () => {
  const input = pool(LABELLED);
  const unc = Array.from({ length: 300 }, (_, i) => marginUncertainty(input.probs!, i * 3, 3));
  const ranked = unc.map((u, i) => [u, i] as const).filter(([, i]) => !input.excluded[i]);
  ranked.sort((a, b) => b[0] - a[0]);
  const top = new Set(ranked.slice(0, 16).map(([, i]) => i));
  const picks = suggest(input, { strategy: 'mixed', count: 4, seed: 3, explore: 0, ...NO_SEED });
  for (const p of picks) assert.ok(top.has(p.index), `pick ${p.index} is among the 16 most uncertain`);
  assert.ok(
    picks.some((p) => p.index !== ranked[picks.indexOf(p)]![1]),
    'not simply the uncertainty order',
  );
  // explore: a seeded share of the picks at random
  const all = suggest(input, { strategy: 'mixed', count: 6, seed: 3, explore: 1, ...NO_SEED });
  assert.ok(all.every((p) => p.reason === 'explore'));
  const some = suggest(input, { strategy: 'mixed', count: 40, seed: 3, ...NO_SEED });
  const explored = some.filter((p) => p.reason === 'explore').length;
  assert.ok(explored > 0 && explored < 20, `about 20 % explored: ${explored} of 40`);
  assert.equal(new Set(some.map((p) => p.index)).size, 40);

  // cold start: no model yet, or fewer labels than the seed set (10 < 4 × 3 classes) → random picks
  for (const input2 of [pool([]), input]) {
    for (const strategy of ['mixed', 'uncertainty'] as const) {
      const cold = suggest(input2, { strategy, count: 3, seed: 3 });
      assert.ok(cold.every((p) => p.reason === 'cold-start'));
      assert.deepEqual(
        cold.map((p) => p.index),
        suggest(input2, { strategy: 'random', count: 3, seed: 3 }).map((p) => p.index),
      );
    }
  }
  assert.equal(suggest(pool([]), { count: 1 })[0]!.scores, undefined);
  assert.throws(() => suggest(input, { strategy: 'best' as never }), UsageError);
});
