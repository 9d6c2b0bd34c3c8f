import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateSplit, majorityBaseline, misclassified } from '../../src/metrics/evaluate';
import { buildEvalReport } from '../../src/metrics/eval-report';
import { formatEvalTable, formatReportTable, RANDOM_INIT_NOTICE } from '../../src/metrics/format-table';
import { buildReport, type BuildReportInput } from '../../src/metrics/report';

const close = (a: number | null | undefined, b: number, msg?: string): void =>
  assert.ok(typeof a === 'number' && Math.abs(a - b) < 1e-12, msg ?? `${a} ≠ ${b}`);
const rows = (p: number[]): number[][] => p.map((x) => [1 - x, x]);

test('majority baseline uses the training majority, scored on the evaluated labels', () => {
  assert.deepEqual(majorityBaseline([0, 0, 1, 2, 2, 2], [2, 1, 2, 0], 3), { index: 2, accuracy: 0.5 });
  // Tie in training → lowest index.
  assert.deepEqual(majorityBaseline([1, 0], [1, 1], 2), { index: 0, accuracy: 0 });
});

test('misclassified: most confident mistakes first, row indices and scores per label', () => {
  const m = misclassified(
    [0, 1, 0, 1],
    [1, 1, 1, 0],
    rows([0.6, 0.9, 0.95, 0.3]),
    ['a', 'b', 'c', 'd'],
    ['ham', 'spam'],
    {
      rowIndex: [10, 11, 12, 13],
    },
  );
  assert.deepEqual(
    m.map((x) => [x.index, x.text, x.true, x.predicted]),
    [
      [12, 'c', 'ham', 'spam'],
      [13, 'd', 'spam', 'ham'],
      [10, 'a', 'ham', 'spam'],
    ],
  );
  close(m[0]!.scores.spam, 0.95);
  close(m[1]!.scores.ham, 0.7);
});

test('evaluateSplit (binary): decisions at the threshold and at 0.5 differ as computed by hand', () => {
  // Labels (1 = spam = positive) and spam scores. At 0.5: predictions 0,1,0,1,0 → 1 error (index 2).
  // At 0.35: predictions 0,1,1,1,0 → index 2 now right, no new error → accuracy 1.
  const y = [0, 1, 1, 1, 0];
  const r = evaluateSplit(y, rows([0.1, 0.8, 0.4, 0.6, 0.3]), {
    labels: ['ham', 'spam'],
    positiveIndex: 1,
    threshold: 0.35,
  });
  assert.equal(r.n, 5);
  assert.equal(r.threshold, 0.35);
  assert.equal(r.accuracy, 1);
  assert.deepEqual(r.confusion, [
    [2, 0],
    [0, 3],
  ]);
  close(r.at_0_5!.accuracy, 0.8);
  assert.deepEqual(r.at_0_5!.confusion, [
    [2, 0],
    [1, 2],
  ]);
  close(r.at_0_5!.per_class.spam!.recall, 2 / 3);
  assert.equal(r.roc_auc, 1);
  assert.equal(r.pr_auc, 1);
});

test('evaluateSplit (multi-class): argmax, no binary fields', () => {
  const r = evaluateSplit(
    [0, 1, 2],
    [
      [0.7, 0.2, 0.1],
      [0.1, 0.1, 0.8],
      [0.2, 0.2, 0.6],
    ],
    { labels: ['a', 'b', 'c'] },
  );
  assert.deepEqual(r.confusion, [
    [1, 0, 0],
    [0, 0, 1],
    [0, 0, 1],
  ]);
  assert.equal(r.roc_auc, undefined);
  assert.equal(r.threshold, undefined);
  assert.deepEqual(r.per_class.b, { precision: 0, recall: 0, f1: 0, support: 1 });
});

function binaryInput(): BuildReportInput {
  return {
    labels: ['ham', 'spam'],
    positiveLabel: 'spam',
    trainLabels: [0, 0, 0, 1, 1],
    // Validation: best positive-F1 cut is ≥0.4 (F1 6/7) → threshold 0.35 (see ranking.test.ts).
    validation: { labels: [1, 1, 0, 1, 0, 0], scores: rows([0.9, 0.7, 0.6, 0.4, 0.3, 0.1]) },
    // Test would prefer a threshold near 0.2; it must not be used for the choice.
    test: {
      labels: [0, 1, 1, 0],
      scores: rows([0.1, 0.25, 0.3, 0.5]),
      texts: ['t0', 't1', 't2', 't3'],
      rows: [40, 41, 42, 43],
    },
    duplicatesRemoved: 3,
    seed: 42,
    encoder: {
      source: 'test/bert-tiny-random',
      revision_or_hash: 'abc123',
      pooling: 'mean',
      fine_tune_layers: 0,
      random_init: true,
    },
    timingMs: { tokenize: 12, embed: 3400, train: 250 },
  };
}

test('buildReport: issue-3 JSON shape, threshold chosen on validation only, baseline, misclassified', () => {
  const r = buildReport(binaryInput());
  for (const k of [
    'labels',
    'splits',
    'duplicates_removed',
    'baseline',
    'validation',
    'test',
    'encoder',
    'timing_ms',
    'misclassified',
  ]) {
    assert.ok(k in r, `missing ${k}`);
  }
  assert.deepEqual(r.labels, ['ham', 'spam']);
  assert.equal(r.positive_label, 'spam');
  assert.deepEqual(r.splits, { train: 5, validation: 6, test: 4 });
  assert.deepEqual(r.class_counts, { ham: 3 + 3 + 2, spam: 2 + 3 + 2 });
  assert.equal(r.duplicates_removed, 3);
  // Training majority is ham; test has 2 ham of 4.
  assert.deepEqual(r.baseline, { majority_label: 'ham', majority_accuracy: 0.5 });
  close(r.validation.threshold, 0.35);
  close(r.test.threshold, 0.35);
  // Test at 0.35: predictions ham, ham, ham(0.3<0.35), spam(0.5) → correct: t0 only → 1/4.
  close(r.test.accuracy, 0.25);
  assert.deepEqual(r.test.confusion, [
    [1, 1],
    [2, 0],
  ]);
  // Test at 0.5: 0.5 ≥ 0.5 → spam for t3 as well: same predictions here.
  close(r.test.at_0_5!.accuracy, 0.25);
  // Test ranking: positives 0.25, 0.3 vs negatives 0.1, 0.5 → pairs won 2 of 4.
  close(r.test.roc_auc, 0.5);
  for (const k of ['accuracy', 'macro_f1', 'per_class', 'confusion', 'roc_auc', 'pr_auc', 'threshold'] as const) {
    assert.ok(r.validation[k] !== undefined && r.test[k] !== undefined, `missing ${k}`);
  }
  assert.deepEqual(Object.keys(r.test.per_class.spam!), ['precision', 'recall', 'f1', 'support']);
  assert.deepEqual(r.encoder, binaryInput().encoder);
  assert.deepEqual(r.timing_ms, { tokenize: 12, embed: 3400, train: 250 });
  assert.deepEqual(
    r.misclassified.map((m) => [m.index, m.true, m.predicted]),
    [
      // Ordered by the predicted class's score: ham 0.75, ham 0.70, spam 0.50.
      [41, 'spam', 'ham'],
      [42, 'spam', 'ham'],
      [43, 'ham', 'spam'],
    ],
  );
  // Plain JSON: survives a round trip unchanged (no NaN/Infinity/typed arrays).
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
});

test('buildReport: a fixed threshold is used as given; one-class validation gives null AUCs, not NaN', () => {
  const input = binaryInput();
  input.threshold = 0.2;
  input.validation = { labels: [0, 0], scores: rows([0.2, 0.7]) };
  const r = buildReport(input);
  assert.equal(r.test.threshold, 0.2);
  assert.equal(r.validation.roc_auc, null);
  assert.equal(r.validation.pr_auc, null);
  close(r.test.accuracy, 0.75);
  assert.ok(!JSON.stringify(r).includes('NaN'));
});

test('formatReportTable: numbers, confusion, and the random-init line only for random-init encoders', () => {
  const r = buildReport(binaryInput());
  const text = formatReportTable(r);
  assert.ok(text.includes(RANDOM_INIT_NOTICE));
  assert.equal(RANDOM_INIT_NOTICE, 'random-init encoder: pipeline check, not model quality');
  assert.match(text, /accuracy\s+\S+ %\s+25\.0 %/);
  assert.match(text, /test accuracy 50\.0 %/);
  assert.match(text, /threshold 0\.3500/);
  assert.match(text, /duplicates removed 3/);
  assert.match(text, /embed 3400 ms/);
  assert.match(text, /#43 ham → spam/);
  const real = formatReportTable({ ...r, encoder: { ...r.encoder, random_init: false } });
  assert.ok(!real.includes('random-init'));
});

test('evaluateSplit rejects NaN scores with a TrainingError; sigmoid outputs become probability rows', async () => {
  const { binaryScoreRows } = await import('../../src/metrics/classification');
  const { TrainingError } = await import('../../src/errors');
  assert.throws(
    () =>
      evaluateSplit(
        [0, 1],
        [
          [0.5, 0.5],
          [NaN, NaN],
        ],
        { labels: ['a', 'b'], positiveIndex: 1 },
      ),
    (e: unknown) => e instanceof TrainingError && /example 1/.test(e.message),
  );
  assert.deepEqual(
    binaryScoreRows([0.25], 1).map((r) => [...r]),
    [[0.75, 0.25]],
  );
  assert.deepEqual(
    binaryScoreRows([0.25], 0).map((r) => [...r]),
    [[0.25, 0.75]],
  );
});

test('buildEvalReport: saved threshold used as is, baseline from the training majority or the data itself', () => {
  const data = { labels: [0, 1, 1, 0, 0], scores: rows([0.1, 0.8, 0.4, 0.6, 0.3]), texts: ['a', 'b', 'c', 'd', 'e'] };
  const encoder = { source: 'x', revision_or_hash: 'h', pooling: 'cls', fine_tune_layers: 0, random_init: false };
  const r = buildEvalReport({ labels: ['ham', 'spam'], positiveLabel: 'spam', threshold: 0.35, data, encoder });
  // At 0.35: predictions ham, spam, spam, spam, ham → wrong: d (ham→spam) → 4/5.
  close(r.metrics.accuracy, 0.8);
  assert.equal(r.metrics.threshold, 0.35);
  // At 0.5: ham, spam, ham, spam, ham → wrong: c, d → 3/5.
  close(r.metrics.at_0_5!.accuracy, 0.6);
  assert.deepEqual(r.class_counts, { ham: 3, spam: 2 });
  assert.deepEqual(r.baseline, { majority_label: 'ham', majority_accuracy: 0.6 });
  assert.deepEqual(
    r.misclassified.map((m) => m.text),
    ['d'],
  );
  const r2 = buildEvalReport({
    labels: ['ham', 'spam'],
    positiveLabel: 'spam',
    data,
    encoder,
    trainMajorityLabel: 'spam',
  });
  assert.deepEqual(r2.baseline, { majority_label: 'spam', majority_accuracy: 0.4 });
  const text = formatEvalTable(r);
  assert.match(text, /accuracy\s+80\.0 %/);
  assert.match(text, /accuracy at 0\.5\s+60\.0 %/);
  assert.ok(!text.includes('random-init'));
  assert.ok(formatEvalTable({ ...r, encoder: { ...encoder, random_init: true } }).startsWith(RANDOM_INIT_NOTICE));
});
