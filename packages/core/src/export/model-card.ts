/**
 * README.md model card for an export: HF front matter (pipeline_tag, base_model, library_name, labels, metrics as
 * a model-index), the held-out metrics beside the majority baseline, training configuration, data summary, how to
 * run each file, exactness per format, intended use and limits, and the random-init warning for test fixtures.
 * Numbers come from the bundle manifest, or from the full training report when one is given.
 */
import type { TrainingReport } from '../metrics/report-types.ts';
import type { Exactness, ExportFormat } from './exactness.ts';
import type { ExportSource } from './export-source.ts';
import type { ExportDType } from './onnx-weights.ts';

export interface ModelCardInput {
  readonly src: ExportSource;
  readonly format: ExportFormat;
  readonly dtype: ExportDType;
  readonly exactness: readonly Exactness[];
  /** Files of the export (path → bytes), listed with sizes. */
  readonly files: Readonly<Record<string, number>>;
  readonly report?: TrainingReport | undefined;
}

/** The numbers the card shows (exported for tests that check them against the report). */
export interface CardMetrics {
  readonly test: { n?: number; accuracy?: number; macro_f1?: number; roc_auc?: number | null };
  readonly validation: { accuracy?: number; macro_f1?: number };
  readonly baseline: { label?: string; accuracy?: number };
  readonly data?: {
    splits?: { train: number; validation: number; test: number };
    class_counts?: Record<string, number>;
    duplicates_removed?: number;
  };
}

const q = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const fmt = (x: number | null | undefined, digits = 4) => (typeof x === 'number' ? x.toFixed(digits) : '–');

export function cardMetrics(src: ExportSource, report?: TrainingReport): CardMetrics {
  if (report) {
    return {
      test: {
        n: report.test.n,
        accuracy: report.test.accuracy,
        macro_f1: report.test.macro_f1,
        roc_auc: report.test.roc_auc ?? null,
      },
      validation: { accuracy: report.validation.accuracy, macro_f1: report.validation.macro_f1 },
      baseline: { label: report.baseline.majority_label, accuracy: report.baseline.majority_accuracy },
      data: { splits: report.splits, class_counts: report.class_counts, duplicates_removed: report.duplicates_removed },
    };
  }
  const m = (src.manifest.metrics ?? {}) as Record<string, Record<string, unknown> | unknown>;
  const test = (m.test ?? {}) as Record<string, unknown>;
  const val = (m.validation ?? {}) as Record<string, unknown>;
  const data = m.data as CardMetrics['data'] | undefined;
  const testN = data?.splits?.test;
  return {
    test: {
      ...(testN === undefined ? {} : { n: testN }),
      ...(num(test.accuracy) === undefined ? {} : { accuracy: num(test.accuracy) }),
      ...(num(test.macro_f1) === undefined ? {} : { macro_f1: num(test.macro_f1) }),
      roc_auc: num(test.roc_auc) ?? null,
    },
    validation: { accuracy: num(val.accuracy), macro_f1: num(val.macro_f1) } as CardMetrics['validation'],
    baseline: {
      ...(typeof m.train_majority_label === 'string' ? { label: m.train_majority_label } : {}),
      ...(num(m.baseline_majority_accuracy) === undefined ? {} : { accuracy: num(m.baseline_majority_accuracy) }),
    },
    ...(data ? { data } : {}),
  };
}

function isHubId(s: string): boolean {
  return /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(s) && !s.startsWith('.') && !s.includes('..');
}

function frontMatter(input: ModelCardInput, metrics: CardMetrics): string {
  const { src, format } = input;
  const m = src.manifest;
  const lines = ['---'];
  lines.push(
    `library_name: ${format === 'transformersjs' ? 'transformers.js' : format === 'hf' ? 'transformers' : 'onnx'}`,
  );
  lines.push('pipeline_tag: text-classification');
  if (isHubId(m.encoder.source)) lines.push(`base_model: ${q(m.encoder.source)}`);
  const tags = ['browser-bert', 'text-classification', 'bert', ...(format === 'hf' ? ['safetensors'] : ['onnx'])];
  if (m.encoder.random_init) tags.push('random-init', 'pipeline-check');
  lines.push('tags:', ...tags.map((t) => `- ${q(t)}`));
  lines.push('labels:', ...m.labels.map((l) => `- ${q(l)}`));
  const results: [string, string, number | null | undefined][] = [
    ['accuracy', 'Test accuracy', metrics.test.accuracy],
    ['f1', 'Test macro F1', metrics.test.macro_f1],
    ['roc_auc', 'Test ROC-AUC', metrics.test.roc_auc],
    ['accuracy', 'Majority-class baseline accuracy', metrics.baseline.accuracy],
  ];
  const known = results.filter(([, , v]) => typeof v === 'number');
  if (known.length > 0) {
    lines.push('model-index:', `- name: ${q(`browser-bert ${m.labels.join('/')} classifier`)}`, '  results:');
    lines.push('  - task:', '      type: text-classification', '      name: Text Classification');
    lines.push('    dataset:', '      type: custom', `      name: ${q('held-out test split of the training data')}`);
    lines.push('    metrics:');
    for (const [type, name, value] of known)
      lines.push(`    - type: ${type}`, `      value: ${value}`, `      name: ${q(name)}`);
  }
  lines.push('---');
  return lines.join('\n');
}

function usage(input: ModelCardInput): string {
  const { format, dtype } = input;
  const hf = input.exactness.find((e) => e.format === 'hf');
  const variant = dtype === 'float16' ? 'fp16' : dtype === 'int8' ? 'int8' : undefined;
  const out: string[] = ['## How to use', ''];
  if (format === 'transformersjs') {
    out.push(
      '[Transformers.js](https://huggingface.co/docs/transformers.js) (browser or Node), from this folder or its hub repo:',
      '',
      '```js',
      "import { pipeline } from '@huggingface/transformers';",
      "const classify = await pipeline('text-classification', './this-folder', { local_files_only: true });",
      "console.log(await classify('some text', { top_k: null })); // every label with its probability",
      '```',
      '',
    );
    if (variant)
      out.push(
        `The smaller ${dtype} weight variant: add \`dtype: '${variant}'\` to the options (see the agreement note below).`,
        '',
      );
  }
  const onnxFile = format === 'onnx' ? 'model.onnx' : 'onnx/model.onnx';
  if (format !== 'hf') {
    out.push(
      `ONNX Runtime (any language): \`${onnxFile}\` takes int64 \`input_ids\`, \`attention_mask\`, \`token_type_ids\` [batch, sequence] `,
      'from `tokenizer.json` and returns `logits` [batch, labels]; softmax gives the probabilities, labels are `id2label` in `config.json`.',
      '',
    );
  }
  if (format === 'hf' && hf?.exact) {
    out.push(
      '```python',
      'from transformers import pipeline',
      "classify = pipeline('text-classification', model='./this-folder', top_k=None)",
      "print(classify('some text'))",
      '```',
      '',
    );
  }
  return out.join('\n');
}

function metricsTable(metrics: CardMetrics, report: TrainingReport | undefined): string {
  const out = [
    '## Held-out metrics',
    '',
    '| split | examples | accuracy | macro F1 | ROC-AUC |',
    '|---|---:|---:|---:|---:|',
    `| test | ${metrics.test.n ?? '–'} | ${fmt(metrics.test.accuracy)} | ${fmt(metrics.test.macro_f1)} | ${fmt(metrics.test.roc_auc)} |`,
    `| validation | ${metrics.data?.splits?.validation ?? '–'} | ${fmt(metrics.validation.accuracy)} | ${fmt(metrics.validation.macro_f1)} | |`,
    `| majority-class baseline (always "${metrics.baseline.label ?? '?'}") | ${metrics.test.n ?? '–'} | ${fmt(metrics.baseline.accuracy)} | | |`,
    '',
  ];
  if (report) {
    out.push(
      'Per class on the test split:',
      '',
      '| label | precision | recall | F1 | support |',
      '|---|---:|---:|---:|---:|',
    );
    for (const [label, c] of Object.entries(report.test.per_class)) {
      out.push(`| ${label} | ${fmt(c.precision)} | ${fmt(c.recall)} | ${fmt(c.f1)} | ${c.support} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'string')) return v.join(', ');
  return undefined;
}

export function modelCard(input: ModelCardInput): string {
  const { src, dtype, exactness, files, report } = input;
  const m = src.manifest;
  const metrics = cardMetrics(src, report);
  const c = src.config;
  const parts: string[] = [
    frontMatter(input, metrics),
    '',
    `# ${m.labels.join(' / ')} text classifier (browser-bert export)`,
    '',
  ];
  if (m.encoder.random_init) {
    parts.push(
      '> **Random-init encoder: pipeline check only.** The encoder of this classifier is a randomly initialised test',
      '> fixture, not a pretrained BERT. Its metrics check that training and export work; they say nothing about BERT',
      '> quality. Do not use it for real decisions.',
      '',
    );
  }
  parts.push(
    `Trained in the browser (or Node) with browser-bert on top of \`${m.encoder.source}\`${m.encoder.revision ? ` @ \`${m.encoder.revision}\`` : ''} ` +
      `(BERT, ${c.numHiddenLayers} layers, hidden ${c.hiddenSize}, ${c.numAttentionHeads} heads), ` +
      `${m.encoder.fine_tuned ? `fine-tuning ${m.encoder.fine_tune_layers === 'all' ? 'all' : `the top ${m.encoder.fine_tune_layers}`} encoder layer(s)` : 'encoder frozen'}; ` +
      `pooling: ${src.pooling}${m.normalize ? ' + L2 normalisation' : ''}; head: ${m.head.kind} (${src.head.layers.length} Dense layer(s), feature standardisation folded in). ` +
      `Texts are truncated to ${m.max_length} tokens.`,
    '',
    usage(input),
    '## Decision rule',
    '',
    m.threshold !== null && m.positive_label !== null
      ? `browser-bert's \`classify()\` predicts **${m.positive_label}** when its probability is ≥ **${m.threshold}** (chosen on the validation split), else the other label. ` +
          'Pipelines (Transformers.js, HF) take the arg-max, i.e. threshold 0.5: apply the threshold to the returned score yourself to get the same decisions. ' +
          'It is also in `config.json` → `browser_bert.threshold`.'
      : 'The predicted label is the arg-max of the probabilities (softmax of `logits`).',
    '',
    metricsTable(metrics, report),
  );
  const data = metrics.data;
  parts.push('## Training data', '');
  if (data) {
    if (data.splits) {
      parts.push(
        `- split (stratified, seeded): train ${data.splits.train}, validation ${data.splits.validation}, test ${data.splits.test}`,
      );
    }
    if (data.class_counts) {
      parts.push(
        `- classes (after de-duplication): ${Object.entries(data.class_counts)
          .map(([l, n]) => `${l} ${n}`)
          .join(', ')}`,
      );
    }
    if (data.duplicates_removed !== undefined) {
      parts.push(
        `- de-duplication: ${data.duplicates_removed} duplicate texts removed before splitting (no text is in two splits)`,
      );
    }
  } else {
    parts.push(
      '- not recorded in this classifier bundle (saved by an older browser-bert); labels: ' + m.labels.join(', '),
    );
  }
  parts.push('', '## Training configuration', '');
  for (const [k, v] of Object.entries(m.training)) {
    const s = scalar(v);
    if (s !== undefined) parts.push(`- ${k}: ${s}`);
  }
  parts.push('', '## Formats: what is exact', '');
  for (const e of exactness) parts.push(`- **${e.format}**: ${e.exact ? 'exact' : 'NOT exact'} — ${e.reason}`);
  if (dtype !== 'float32') {
    parts.push(
      `- the ${dtype} weight variant stores ${dtype === 'float16' ? 'IEEE half' : 'symmetric int8 (one scale per output column / embedding row)'} weights and computes in float32: ` +
        'its probabilities differ from the float32 model. How much depends on the classifier: the folded standardisation ' +
        'multiplies weight rounding by 1/std of each feature, so classifiers whose features vary little between texts ' +
        '(cls pooling on a weak encoder) move most. Measure it on your data before using the variant.',
    );
  }
  parts.push('', '## Files', '', '| file | bytes |', '|---|---:|');
  for (const [name, size] of Object.entries(files)) parts.push(`| \`${name}\` | ${size} |`);
  parts.push(
    '',
    '## Intended use and limits',
    '',
    `- Intended for classifying short texts like the training data into: ${m.labels.join(', ')}. Check the held-out metrics above against the majority baseline before relying on it.`,
    `- Texts longer than ${m.max_length} tokens are truncated. Transformers.js (4.x) truncates after adding [CLS]/[SEP], so for such texts its input lacks the final [SEP] and scores differ slightly from browser-bert and HF Python, which keep it.`,
    '- The metrics come from one seeded split of one dataset; performance on other kinds of text is unknown. Labels and biases of the training data carry over.',
    '- Not for decisions about people without human review.',
    '',
  );
  return parts.join('\n');
}
