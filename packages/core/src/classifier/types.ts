import type { ClassifierBundle, ClassifierManifest } from '../storage/types';

export interface Prediction {
  /** The predicted class (binary: positive when its probability ≥ the saved threshold). */
  readonly label: string;
  /** Probability per class label (they sum to 1). */
  readonly scores: Record<string, number>;
}

export interface ClassifyOptions {
  signal?: AbortSignal;
  /** Texts per encoder batch. Default 64. */
  batchSize?: number;
}

/** A trained text classifier: tokenizer → encoder → pooling → head, ready to classify, save and dispose. */
export interface Classifier {
  readonly labels: readonly string[];
  readonly manifest: ClassifierManifest;
  classify(texts: readonly string[], options?: ClassifyOptions): Promise<Prediction[]>;
  /** Class probabilities, row-major [texts, labels]. */
  predictProba(texts: readonly string[], options?: ClassifyOptions): Promise<Float32Array>;
  /** The self-describing bundle (manifest + files). */
  toBundle(): Promise<ClassifierBundle>;
  /** Saves to `indexeddb://name` (browser) or a folder (Node, after importing '@browser-bert/core/node'). */
  save(target: string): Promise<ClassifierBundle>;
  dispose(): void;
}
