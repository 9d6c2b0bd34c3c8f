/** What a trained classifier's manifest says: built once, from the training run's outcome. */
import { BUNDLE_FORMAT, BUNDLE_SCHEMA_VERSION } from '../bundle/types.ts';
import type { HeadKind } from '../head/types.ts';
import type { TrainingReport } from '../metrics/report-types.ts';
import type { LoadedModel } from '../model/types.ts';
import type { ClassifierPooling } from '../vocabulary.ts';
import type { ClassifierSpec } from './types.ts';

export interface ManifestInputs {
  /** The model the classifier was trained on (before any fine-tuning). */
  readonly model: LoadedModel;
  readonly report: TrainingReport;
  readonly pooling: ClassifierPooling;
  readonly normalize: boolean;
  readonly maxLength: number;
  /** 'flatten' only. */
  readonly flattenLength: number | undefined;
  readonly fineTuneLayers: number | 'all';
  readonly head: { readonly kind: HeadKind; readonly inputDim: number };
  /** The resolved training options, as recorded. */
  readonly training: Record<string, unknown>;
}

export function classifierSpec(i: ManifestInputs): ClassifierSpec {
  const { model, report } = i;
  const fineTuned = i.fineTuneLayers === 'all' || i.fineTuneLayers > 0;
  return {
    format: BUNDLE_FORMAT,
    schema_version: BUNDLE_SCHEMA_VERSION,
    labels: [...report.labels],
    positive_label: report.positive_label ?? null,
    threshold: report.validation.threshold ?? null,
    pooling: i.pooling,
    normalize: i.normalize,
    max_length: i.maxLength,
    flatten_length: i.flattenLength ?? null,
    tokenizer: {
      settings: model.tokenizer.settings,
      fingerprint: model.tokenizer.fingerprint,
      vocab_size: model.tokenizer.vocabSize,
    },
    encoder: {
      source: model.info.source,
      revision: model.info.revision ?? null,
      weights_hash: model.info.weightsHash,
      random_init: model.info.randomInit,
      fine_tuned: fineTuned,
      fine_tune_layers: i.fineTuneLayers,
      included: fineTuned,
    },
    head: { kind: i.head.kind, input_dim: i.head.inputDim },
    training: i.training,
    metrics: {
      validation: { accuracy: report.validation.accuracy, macro_f1: report.validation.macro_f1 },
      test: {
        accuracy: report.test.accuracy,
        macro_f1: report.test.macro_f1,
        ...(report.test.roc_auc === undefined ? {} : { roc_auc: report.test.roc_auc }),
      },
      baseline_majority_accuracy: report.baseline.majority_accuracy,
      train_majority_label: report.baseline.majority_label,
      // data summary for model cards (export/model-card.ts)
      data: {
        splits: report.splits,
        class_counts: report.class_counts,
        duplicates_removed: report.duplicates_removed,
      },
    },
    created_at: new Date().toISOString(),
  };
}
