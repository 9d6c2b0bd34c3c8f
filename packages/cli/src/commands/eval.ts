/**
 * `browser-bert eval --classifier DIR --data FILE [--report FILE]`: metrics of a saved classifier on labelled
 * data (every row; no split, no de-duplication), with the decision threshold saved at training time.
 */
import { writeFile } from 'node:fs/promises';
import { buildEvalReport, formatEvalTable, parseDataset, RANDOM_INIT_NOTICE, DataError } from '@browser-bert/core';
import { initNodeBackend } from '@browser-bert/core/node';
import { enumOption, parseOptions } from '../args.ts';
import type { Command } from '../io.ts';
import { createProgress } from '../progress.ts';
import { CLASSIFIER_USAGE, loadClassifierArg } from '../classifier-arg.ts';
import { TIMEOUT_OPTION, TIMEOUT_USAGE, timeoutOption } from '../model-args.ts';
import { readDataFile } from '../data-file.ts';

const BACKENDS = ['wasm', 'cpu'] as const;

const command: Command = {
  name: 'eval',
  summary: 'evaluate a saved classifier on a labelled file (metrics table, --report JSON)',
  usage: `Usage: browser-bert eval --classifier DIR --data FILE [--text-col C --label-col C] [--report FILE]

Classifies every row of FILE (no split, no de-duplication) with the saved classifier and its saved decision
threshold; prints accuracy, per-class precision/recall/F1, macro-F1, confusion (and ROC/PR-AUC for binary).

Options:
${CLASSIFIER_USAGE}
  --data <file>       CSV, TSV or JSONL with a text and a label column (required)
  --text-col <c>      text column name or 0-based index (default: detected)
  --label-col <c>     label column name or 0-based index (default: detected)
  --report <file>     write the metrics JSON there
  --backend <b>       wasm (default) | cpu
${TIMEOUT_USAGE}`,
  async run(io) {
    const { values } = parseOptions(io.argv, {
      classifier: { type: 'string' },
      encoder: { type: 'string' },
      data: { type: 'string' },
      'text-col': { type: 'string' },
      'label-col': { type: 'string' },
      report: { type: 'string' },
      backend: { type: 'string' },
      ...TIMEOUT_OPTION,
    });
    const backend = enumOption('backend', values.backend, BACKENDS, 'wasm');
    const bytes = await readDataFile(values.data);
    const dataset = parseDataset(bytes, {
      fileName: values.data!,
      validate: false,
      ...(values['text-col'] === undefined ? {} : { textColumn: values['text-col'] }),
      ...(values['label-col'] === undefined ? {} : { labelColumn: values['label-col'] }),
    });
    await initNodeBackend(backend);
    const progress = createProgress(io.stderr);
    try {
      const clf = await loadClassifierArg(values.classifier, io, progress, {
        encoder: values.encoder,
        stallTimeoutMs: timeoutOption(values.timeout),
      });
      try {
        const labels = clf.labels;
        const index = new Map(labels.map((l, i) => [l, i] as const));
        const unknown = [...new Set(dataset.labels.filter((l) => !index.has(l)))];
        if (unknown.length > 0) {
          throw new DataError(
            `labels ${unknown
              .slice(0, 5)
              .map((l) => `"${l}"`)
              .join(
                ', ',
              )} in ${values.data} are not classes of this classifier (${labels.map((l) => `"${l}"`).join(', ')})`,
            'check --label-col, or evaluate on data with the same classes',
          );
        }
        const y = Int32Array.from(dataset.labels, (l) => index.get(l)!);
        const t0 = performance.now();
        const bar = progress.task('classify', dataset.texts.length, 'texts');
        const C = labels.length;
        const probs = new Float32Array(dataset.texts.length * C);
        const chunk = 512;
        for (let i = 0; i < dataset.texts.length; i += chunk) {
          probs.set(await clf.predictProba(dataset.texts.slice(i, i + chunk)), i * C);
          bar.update(Math.min(i + chunk, dataset.texts.length));
        }
        bar.stop();
        const rows = Array.from({ length: dataset.texts.length }, (_, i) => probs.subarray(i * C, (i + 1) * C));
        const m = clf.manifest;
        const trainMajority = (m.metrics as { train_majority_label?: unknown } | null)?.train_majority_label;
        const report = buildEvalReport({
          labels,
          ...(m.positive_label === null ? {} : { positiveLabel: m.positive_label }),
          ...(m.threshold === null ? {} : { threshold: m.threshold }),
          data: { labels: y, scores: rows, texts: dataset.texts },
          encoder: {
            source: m.encoder.source,
            revision_or_hash: m.encoder.revision ?? `sha256:${m.encoder.weights_hash}`,
            pooling: m.pooling,
            fine_tune_layers: m.encoder.fine_tune_layers,
            random_init: m.encoder.random_init,
          },
          ...(typeof trainMajority === 'string' ? { trainMajorityLabel: trainMajority } : {}),
          timingMs: { classify: Math.round(performance.now() - t0) },
        });
        const json = m.encoder.random_init ? { notice: RANDOM_INIT_NOTICE, ...report } : report;
        if (values.report) await writeFile(values.report, JSON.stringify(json, null, 2) + '\n');
        io.stdout.write(formatEvalTable(report) + '\n');
        return 0;
      } finally {
        clf.dispose();
      }
    } finally {
      progress.stop();
    }
  },
};

export default command;
