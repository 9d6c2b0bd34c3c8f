/** Options of the classification head trained on pooled features (frozen or fine-tuned encoder). */
export type HeadKind = 'linear' | 'hidden';

export interface HeadOptions {
  /** 'linear': softmax over the features; 'hidden': one ReLU hidden layer, then softmax. Default 'linear'. */
  kind?: HeadKind;
  /** Units of the hidden layer (kind 'hidden'). Default 256. */
  hiddenUnits?: number;
  /** Dropout rate on the head's input (and after the hidden layer), training only. Default 0.1. */
  dropout?: number;
  /** Seed of the initialisers. Default 42. */
  seed?: number;
}

/** Per-feature affine transform (x - mean) / std, fitted on the training split only. */
export interface Standardizer {
  readonly mean: Float32Array;
  readonly std: Float32Array;
}

export interface EpochStats {
  /** 1-based. */
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  /** Milliseconds this epoch took. */
  readonly ms: number;
}

/** Row-major features: `data.length === count * dim`. */
export interface FeatureMatrix {
  readonly dim: number;
  readonly data: Float32Array;
}
