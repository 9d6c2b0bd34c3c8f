/**
 * The training/evaluation report (`--report file.json`, the web app's results view). Keys are snake_case because
 * this is a file format read by people and other tools. Numbers that cannot be computed (e.g. ROC-AUC when the
 * split has one class only) are `null`, never NaN.
 */

export const REPORT_SCHEMA = 'browser-bert/report@1' as const;

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Number of true examples of this class. */
  support: number;
}

/** Metrics that depend on the decision rule (argmax, or a threshold on the positive class for binary). */
export interface DecisionMetrics {
  accuracy: number;
  /** Unweighted mean of the per-class F1 scores. */
  macro_f1: number;
  /** Keyed by label, in `labels` order. */
  per_class: Record<string, ClassMetrics>;
  /** confusion[true][predicted], rows and columns in `labels` order. */
  confusion: number[][];
  /** Binary only: the positive class is predicted when its score ≥ threshold. */
  threshold?: number;
}

export interface SplitReport extends DecisionMetrics {
  /** Number of examples evaluated. */
  n: number;
  /** Mean cross-entropy of the scores, when given. */
  loss?: number | null;
  /** Binary only: rank-based ROC-AUC of the positive class score (ties count ½). */
  roc_auc?: number | null;
  /** Binary only: average precision (step-wise area under the PR curve, as sklearn's average_precision_score). */
  pr_auc?: number | null;
  /** Binary only: metrics at threshold 0.5 (the untuned rule). */
  at_0_5?: DecisionMetrics;
  /** Binary only: metrics at the threshold chosen on validation (the same numbers as the top level). */
  at_threshold?: DecisionMetrics;
}

export interface EncoderReport {
  /** Hub id, URL or folder the encoder came from. */
  source: string;
  /** Hub revision/commit, or a content hash of the weights. */
  revision_or_hash: string;
  pooling: string;
  /** 0 = frozen encoder, k = top k layers fine-tuned, 'all'. */
  fine_tune_layers: number | 'all';
  /** True for a random-init test checkpoint: the metrics check the pipeline, they say nothing about BERT. */
  random_init: boolean;
}

export interface MisclassifiedExample {
  /** Row index in the parsed dataset. */
  index: number;
  /** The text (cut to 500 characters with "…" when longer). */
  text: string;
  true: string;
  predicted: string;
  /** Score (probability) per label. */
  scores: Record<string, number>;
}

export interface TrainingReport {
  schema: typeof REPORT_SCHEMA;
  /** Class labels in index order. */
  labels: string[];
  /** Binary only: the class whose score ROC/PR/threshold refer to. */
  positive_label?: string;
  /** Examples per class after de-duplication (all splits). */
  class_counts: Record<string, number>;
  splits: { train: number; validation: number; test: number };
  duplicates_removed: number;
  seed?: number;
  /** Predicting the training set's most frequent class for every test example. */
  baseline: { majority_label: string; majority_accuracy: number };
  validation: SplitReport;
  test: SplitReport;
  encoder: EncoderReport;
  /** Wall time per stage (e.g. load, tokenize, embed, train, evaluate), milliseconds. */
  timing_ms: Record<string, number>;
  /** Misclassified test examples, most confidently wrong first. */
  misclassified: MisclassifiedExample[];
  /** Free-form training settings (epochs, learning rate, …) for the record. */
  training?: Record<string, unknown>;
}

export const EVAL_REPORT_SCHEMA = 'browser-bert/eval-report@1' as const;

/** `browser-bert eval`: a saved classifier scored on a whole labelled file (no split, no choices made). */
export interface EvaluationReport {
  schema: typeof EVAL_REPORT_SCHEMA;
  labels: string[];
  positive_label?: string;
  /** Examples per class in the evaluated data. */
  class_counts: Record<string, number>;
  /**
   * Majority-class baseline on the evaluated data: the classifier's training majority when known, else this
   * data's own most frequent class (an upper bound for any constant predictor).
   */
  baseline: { majority_label: string; majority_accuracy: number };
  /** Binary: at the classifier's saved threshold (top level / at_threshold) and at 0.5. */
  metrics: SplitReport;
  encoder: EncoderReport;
  timing_ms: Record<string, number>;
  misclassified: MisclassifiedExample[];
}
