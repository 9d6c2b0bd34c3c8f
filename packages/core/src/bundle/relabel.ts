/**
 * Renames a classifier's classes (e.g. "0"/"1" → "ham"/"spam") without retraining: the head's output order stays,
 * only names change — in the manifest (labels, positive label, metrics summary) and in the stored report (every
 * per-class key, the baseline, the misclassified examples). Pure: bundle in, bundle out.
 */
import { UsageError } from '../errors.ts';
import type { TrainingReport } from '../metrics/report-types.ts';
import { FILES, type ClassifierBundle, type ClassifierManifest } from './types.ts';

const utf8 = new TextEncoder();

function renameKeys<V>(o: Record<string, V>, rename: (k: string) => string): Record<string, V> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [rename(k), v]));
}

function renameDecision<T extends { per_class: Record<string, unknown> }>(d: T, rename: (k: string) => string): T {
  return { ...d, per_class: renameKeys(d.per_class, rename) };
}

function renameSplit(s: TrainingReport['test'], rename: (k: string) => string): TrainingReport['test'] {
  return {
    ...renameDecision(s, rename),
    ...(s.at_0_5 ? { at_0_5: renameDecision(s.at_0_5, rename) } : {}),
    ...(s.at_threshold ? { at_threshold: renameDecision(s.at_threshold, rename) } : {}),
  };
}

/** The report with every class name renamed. */
export function relabelReport(r: TrainingReport, rename: (k: string) => string): TrainingReport {
  return {
    ...r,
    labels: r.labels.map(rename),
    ...(r.positive_label === undefined ? {} : { positive_label: rename(r.positive_label) }),
    class_counts: renameKeys(r.class_counts, rename),
    baseline: { ...r.baseline, majority_label: rename(r.baseline.majority_label) },
    validation: renameSplit(r.validation, rename),
    test: renameSplit(r.test, rename),
    misclassified: r.misclassified.map((m) => ({
      ...m,
      true: rename(m.true),
      predicted: rename(m.predicted),
      scores: renameKeys(m.scores, rename),
    })),
  };
}

/** `names`: the new class names in the head's order (same count, unique, non-empty). */
export function relabelBundle(bundle: ClassifierBundle, names: readonly string[]): ClassifierBundle {
  const m = bundle.manifest;
  const clean = names.map((n) => n.trim());
  if (clean.length !== m.labels.length || clean.some((n) => n === '') || new Set(clean).size !== clean.length) {
    throw new UsageError(
      `Class names must be ${m.labels.length} different, non-empty names (got ${clean.map((n) => `"${n}"`).join(', ')})`,
      'give every class its own name',
    );
  }
  const map = new Map(m.labels.map((l, i) => [l, clean[i] as string]));
  const rename = (k: string) => map.get(k) ?? k;
  const metrics = m.metrics as {
    train_majority_label?: string;
    data?: { class_counts?: Record<string, number> };
  } | null;
  const manifest: ClassifierManifest = {
    ...m,
    labels: clean,
    positive_label: m.positive_label === null ? null : rename(m.positive_label),
    metrics: metrics
      ? {
          ...metrics,
          ...(metrics.train_majority_label === undefined
            ? {}
            : { train_majority_label: rename(metrics.train_majority_label) }),
          ...(metrics.data?.class_counts
            ? { data: { ...metrics.data, class_counts: renameKeys(metrics.data.class_counts, rename) } }
            : {}),
        }
      : null,
  };
  const files = { ...bundle.files };
  const report = files[FILES.report];
  if (report) {
    const r = JSON.parse(new TextDecoder().decode(report)) as TrainingReport;
    files[FILES.report] = utf8.encode(JSON.stringify(relabelReport(r, rename), null, 2));
  }
  return { manifest, files };
}
