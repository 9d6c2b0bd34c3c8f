/** The runtime's public types. */
import type { ClassifierManifest } from '../../core/src/bundle/types.ts';
import type { FileProgress, FileSource, ModelCache } from '../../core/src/io/types.ts';
import type { TrainingReport } from '../../core/src/metrics/report-types.ts';

export type { ClassifierManifest, FileProgress, FileSource, ModelCache, TrainingReport };
export type { ClassifierBundle } from '../../core/src/bundle/types.ts';

export interface Classification {
  /** The predicted class (binary: positive when its probability ≥ the classifier's threshold). */
  readonly label: string;
  /** Probability per class label (they sum to 1). */
  readonly scores: Record<string, number>;
}

export interface ClassifyOptions {
  /** Checked between batches: aborting rejects with a CancelledError. */
  signal?: AbortSignal;
  /** Texts per kernel batch. Default 64. */
  batchSize?: number;
}

/** A classifier ready to run: tokenizer → the WebAssembly kernel → pooling → the head in plain JS. */
export interface RuntimeClassifier {
  readonly labels: readonly string[];
  readonly manifest: ClassifierManifest;
  /** The held-out report the classifier was saved with, when it has one. */
  readonly report: TrainingReport | undefined;
  /** True when the encoder is a random-init test checkpoint: its scores check the pipeline, not a model. */
  readonly randomInit: boolean;
  /** Kernel workers running batches. */
  readonly threads: number;
  classify(texts: readonly string[], options?: ClassifyOptions): Promise<Classification[]>;
  /** Class probabilities, row-major [texts, labels]. */
  predictProba(texts: readonly string[], options?: ClassifyOptions): Promise<Float32Array>;
  /** Stops the kernel's workers. */
  dispose(): void;
}

export interface LoadOptions {
  /**
   * Where the encoder of a classifier saved without it comes from. Default: the source the classifier recorded (a
   * hub id, the URL of a model folder, or in Node a folder path). Its weights must be the ones it was trained on.
   */
  encoder?: string | FileSource;
  /** Hub endpoint for a hub id. Default https://huggingface.co (Node: HF_ENDPOINT). */
  endpoint?: string;
  /** Hub token for gated/private models (Node: HF_TOKEN). */
  token?: string;
  /** Where downloaded encoder files are kept: default the Cache API in browsers, the cache folder in Node. */
  cache?: ModelCache | false;
  /** Kernel workers. Default: the machine's cores, at most 4. */
  threads?: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  onProgress?(p: FileProgress): void;
}
