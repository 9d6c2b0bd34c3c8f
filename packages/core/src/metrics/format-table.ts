import type {
  DecisionMetrics,
  EvaluationReport,
  MisclassifiedExample,
  SplitReport,
  TrainingReport,
} from './report-types.ts';

/** The line printed above every result of a random-init (test fixture) encoder. */
export const RANDOM_INIT_NOTICE = 'random-init encoder: pipeline check, not model quality';

const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)} %`;
const num = (x: number | null | undefined, d = 3): string => (x === null || x === undefined ? '–' : x.toFixed(d));
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const short = (s: string, n: number): string => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === 0 ? pad(cell, widths[c]!) : lpad(cell, widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

function perClassRows(m: DecisionMetrics, labels: readonly string[]): string[] {
  const rows = [['class', 'precision', 'recall', 'F1', 'support']];
  for (const l of labels) {
    const c = m.per_class[l];
    if (c) rows.push([short(l, 24), num(c.precision), num(c.recall), num(c.f1), String(c.support)]);
  }
  return table(rows);
}

function confusionRows(m: DecisionMetrics, labels: readonly string[]): string[] {
  const names = labels.map((l) => short(l, 12));
  const rows = [['true \\ predicted', ...names]];
  m.confusion.forEach((r, i) => rows.push([names[i]!, ...r.map(String)]));
  return table(rows);
}

function misclassifiedLines(list: readonly MisclassifiedExample[]): string[] {
  if (list.length === 0) return [];
  const out = ['', `misclassified examples: ${list.length}${list.length > 5 ? ' (5 most confident shown)' : ''}`];
  for (const m of list.slice(0, 5)) {
    out.push(
      `  #${m.index} ${short(m.true, 12)} → ${short(m.predicted, 12)} (${num(m.scores[m.predicted], 2)}): ${short(m.text, 80)}`,
    );
  }
  return out;
}

function timingLine(timing: Record<string, number>): string[] {
  const entries = Object.entries(timing);
  if (entries.length === 0) return [];
  return [
    '',
    `timing    ${entries.map(([k, ms]) => `${k} ${ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`}`).join(' · ')}`,
  ];
}

/** A readable plain-text summary of a report for stdout (no colours, fixed-width columns). */
export function formatReportTable(report: TrainingReport): string {
  const out: string[] = [];
  const { labels, encoder } = report;
  const binary = report.positive_label !== undefined;
  if (encoder.random_init) out.push(RANDOM_INIT_NOTICE, '');
  out.push(
    `encoder   ${encoder.source}${encoder.revision_or_hash ? ` @ ${encoder.revision_or_hash}` : ''} · pooling ${encoder.pooling} · fine-tuned layers ${encoder.fine_tune_layers}`,
  );
  out.push(
    `data      train ${report.splits.train} · validation ${report.splits.validation} · test ${report.splits.test} · duplicates removed ${report.duplicates_removed}`,
  );
  out.push(
    `classes   ${labels.map((l) => `${short(l, 24)} (${report.class_counts[l] ?? 0})`).join(', ')}${binary ? ` · positive: ${report.positive_label}` : ''}`,
  );
  out.push(
    `baseline  always "${short(report.baseline.majority_label, 24)}" (training majority): test accuracy ${pct(report.baseline.majority_accuracy)}`,
  );
  out.push('');
  const v: SplitReport = report.validation;
  const t: SplitReport = report.test;
  const rows = [
    ['', 'validation', 'test'],
    ['accuracy', pct(v.accuracy), pct(t.accuracy)],
    ['macro-F1', num(v.macro_f1), num(t.macro_f1)],
  ];
  if (binary) {
    rows.push(['ROC-AUC', num(v.roc_auc), num(t.roc_auc)]);
    rows.push(['PR-AUC (avg precision)', num(v.pr_auc), num(t.pr_auc)]);
    rows.push([
      `${short(report.positive_label!, 12)} F1`,
      num(v.per_class[report.positive_label!]?.f1),
      num(t.per_class[report.positive_label!]?.f1),
    ]);
  }
  if (v.loss !== undefined) rows.push(['loss', num(v.loss, 4), num(t.loss, 4)]);
  out.push(...table(rows));
  if (binary && t.at_0_5) {
    out.push('');
    out.push(`threshold ${num(t.threshold, 4)} (chosen on validation; columns above use it)`);
    out.push(
      `test at 0.5: accuracy ${pct(t.at_0_5.accuracy)} · macro-F1 ${num(t.at_0_5.macro_f1)} · ${short(report.positive_label!, 12)} F1 ${num(t.at_0_5.per_class[report.positive_label!]?.f1)}`,
    );
  }
  out.push('', 'test, per class:', ...perClassRows(t, labels));
  out.push('', 'test confusion (rows = true, columns = predicted):', ...confusionRows(t, labels));
  out.push(...timingLine(report.timing_ms));
  out.push(...misclassifiedLines(report.misclassified));
  if (encoder.random_init) out.push('', RANDOM_INIT_NOTICE);
  return out.join('\n') + '\n';
}

/** Plain-text summary of `browser-bert eval` (a saved classifier on a labelled file). */
export function formatEvalTable(report: EvaluationReport): string {
  const out: string[] = [];
  const { labels, encoder, metrics: m } = report;
  const binary = report.positive_label !== undefined;
  if (encoder.random_init) out.push(RANDOM_INIT_NOTICE, '');
  out.push(
    `encoder   ${encoder.source}${encoder.revision_or_hash ? ` @ ${encoder.revision_or_hash}` : ''} · pooling ${encoder.pooling}`,
  );
  out.push(
    `data      ${m.n} examples · ${labels.map((l) => `${short(l, 24)} (${report.class_counts[l] ?? 0})`).join(', ')}`,
  );
  out.push(
    `baseline  always "${short(report.baseline.majority_label, 24)}": accuracy ${pct(report.baseline.majority_accuracy)}`,
  );
  out.push('');
  const rows = [
    ['accuracy', pct(m.accuracy)],
    ['macro-F1', num(m.macro_f1)],
  ];
  if (binary) {
    rows.push(['ROC-AUC', num(m.roc_auc)], ['PR-AUC (avg precision)', num(m.pr_auc)]);
    rows.push([`threshold (saved)`, num(m.threshold, 4)]);
    if (m.at_0_5) rows.push(['accuracy at 0.5', pct(m.at_0_5.accuracy)]);
  }
  if (m.loss !== undefined) rows.push(['loss', num(m.loss, 4)]);
  out.push(...table(rows));
  out.push('', 'per class:', ...perClassRows(m, labels));
  out.push('', 'confusion (rows = true, columns = predicted):', ...confusionRows(m, labels));
  out.push(...timingLine(report.timing_ms));
  out.push(...misclassifiedLines(report.misclassified));
  if (encoder.random_init) out.push('', RANDOM_INIT_NOTICE);
  return out.join('\n') + '\n';
}
