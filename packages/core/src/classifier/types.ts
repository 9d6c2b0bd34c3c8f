import type * as tfl from '@tensorflow/tfjs-layers';
import type { ClassifierBundle, ClassifierManifest } from '../bundle/types.ts';
import type { BertEncoder } from '../encoder/types.ts';
import type { TrainingReport } from '../metrics/report-types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';

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
  /** The held-out report of the run that trained it (absent for bundles saved without one). */
  readonly report: TrainingReport | undefined;
  classify(texts: readonly string[], options?: ClassifyOptions): Promise<Prediction[]>;
  /** Class probabilities, row-major [texts, labels]. */
  predictProba(texts: readonly string[], options?: ClassifyOptions): Promise<Float32Array>;
  /** The self-describing bundle (manifest + files). */
  toBundle(options?: BundleOptions): Promise<ClassifierBundle>;
  /** The exact size of bundleToZip(await toBundle(options)), without writing the encoder's weights. */
  zipByteLength(options?: BundleOptions): Promise<number>;
  /** Saves to `indexeddb://name` (browser) or a folder (Node, after importing '@browser-bert/core/node'). */
  save(target: string, options?: BundleOptions): Promise<ClassifierBundle>;
  dispose(): void;
}

export interface BundleOptions {
  /**
   * true: the encoder's weights go into the bundle (self-contained, opens offline with nothing else); false: only
   * its hub id / folder, revision and weights hash are recorded (smaller; the encoder must be found again to load
   * it). Default: included exactly when fine-tuned. A fine-tuned classifier always includes it.
   */
  readonly includeEncoder?: boolean | undefined;
}

/** The manifest minus what the bundle writer fills in (the file list). */
export type ClassifierSpec = Omit<ClassifierManifest, 'files'>;

export interface ClassifierParts {
  readonly spec: ClassifierSpec;
  readonly tokenizer: Tokenizer;
  readonly encoder: BertEncoder;
  /** Dispose the encoder with the classifier (it was loaded or copied for it). */
  readonly ownsEncoder: boolean;
  readonly head: tfl.LayersModel;
  readonly report?: TrainingReport | undefined;
}
