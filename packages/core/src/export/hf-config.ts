/**
 * config.json for the exports: HF's BertConfig fields with the sequence-classification architecture, id2label /
 * label2id, problem_type, `transformers.js_config` (fp32 by default: Transformers.js would otherwise look for a
 * quantized file in browsers) and a `browser_bert` section with what an argmax pipeline cannot express (pooling,
 * the binary decision threshold).
 */
import { configJson } from '../config/serialise.ts';
import type { Exactness } from './exactness.ts';
import type { ExportSource } from './export-source.ts';

export function hfConfigJson(
  src: ExportSource,
  options: { torchDtype: 'float32' | 'float16'; exactness: readonly Exactness[] },
): Record<string, unknown> {
  const m = src.manifest;
  const base = configJson(src.config, { randomInit: m.encoder.random_init });
  const id2label: Record<string, string> = {};
  const label2id: Record<string, number> = {};
  m.labels.forEach((l, i) => {
    id2label[String(i)] = l;
    label2id[l] = i;
  });
  return {
    ...base,
    architectures: ['BertForSequenceClassification'],
    id2label,
    label2id,
    problem_type: 'single_label_classification',
    classifier_dropout: null,
    torch_dtype: options.torchDtype,
    'transformers.js_config': { dtype: 'fp32' },
    browser_bert: {
      pooling: src.pooling,
      normalize: m.normalize,
      max_length: m.max_length,
      positive_label: m.positive_label,
      threshold: m.threshold,
      decision:
        m.threshold !== null && m.positive_label !== null
          ? `predict "${m.positive_label}" when its probability >= ${m.threshold}, else the other label (browser-bert classify()); pipelines take the arg-max`
          : 'arg-max of the probabilities',
      encoder_source: m.encoder.source,
      encoder_revision: m.encoder.revision,
      fine_tuned: m.encoder.fine_tuned,
      fine_tune_layers: m.encoder.fine_tune_layers,
      head: m.head.kind,
      exact: Object.fromEntries(options.exactness.map((e) => [e.format, { exact: e.exact, reason: e.reason }])),
    },
  };
}
