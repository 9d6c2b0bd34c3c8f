/** The saved-classifier bundle: a manifest plus named files (head, tokenizer, optionally encoder weights). */
import type { TokenizerSettings } from '../tokenizer/types.ts';
import type { ClassifierPooling } from '../vocabulary.ts';

export const BUNDLE_FORMAT = 'browser-bert-classifier';
export const BUNDLE_SCHEMA_VERSION = 1;

export interface ManifestEncoder {
  /** Hub id or folder the encoder came from (how to load it again when not included). */
  readonly source: string;
  readonly revision: string | null;
  /** ModelInfo.weightsHash of the ORIGINAL (pre-fine-tuning) weights; checked when the encoder is re-loaded. */
  readonly weights_hash: string;
  readonly random_init: boolean;
  readonly fine_tuned: boolean;
  readonly fine_tune_layers: number | 'all';
  /** Encoder weights are in the bundle (encoder/config.json + encoder/model.safetensors): runs offline. */
  readonly included: boolean;
}

export interface ClassifierManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly schema_version: number;
  /** Class names in index order (the head's output order). */
  readonly labels: string[];
  readonly positive_label: string | null;
  /** Binary: predict positive_label when its probability ≥ threshold (chosen on validation). Null: arg-max. */
  readonly threshold: number | null;
  readonly pooling: ClassifierPooling;
  readonly normalize: boolean;
  readonly max_length: number;
  /** 'flatten' only: every text padded to this length. */
  readonly flatten_length: number | null;
  readonly tokenizer: {
    readonly settings: TokenizerSettings;
    readonly fingerprint: string;
    readonly vocab_size: number;
  };
  readonly encoder: ManifestEncoder;
  readonly head: { readonly kind: string; readonly input_dim: number };
  /** Resolved training options. */
  readonly training: Record<string, unknown>;
  /** Summary of the held-out metrics at training time (null when unknown). */
  readonly metrics: Record<string, unknown> | null;
  readonly created_at: string;
  /** Every file of the bundle besides manifest.json (relative paths, "/" separators). */
  readonly files: string[];
}

export interface ClassifierBundle {
  readonly manifest: ClassifierManifest;
  /** Relative path → bytes, for every name in manifest.files. */
  readonly files: Readonly<Record<string, Uint8Array>>;
}

/**
 * A bundle whose large files may still be Blobs not yet read (IndexedDB stores them so), for a reader that reads
 * them where it needs them (the runtime: its workers read the encoder's weights). A ClassifierBundle is one.
 */
export interface LazyClassifierBundle {
  readonly manifest: ClassifierManifest;
  /** Relative path → bytes or a Blob, for every name in manifest.files. */
  readonly files: Readonly<Record<string, Uint8Array | Blob>>;
}

export const FILES = {
  headModel: 'head/model.json',
  headWeights: 'head/weights.bin',
  vocab: 'tokenizer/vocab.txt',
  tokenizerConfig: 'tokenizer/tokenizer_config.json',
  encoderConfig: 'encoder/config.json',
  encoderWeights: 'encoder/model.safetensors',
  /** The held-out report of the training run (metrics, curves' inputs, data summary); absent in older bundles. */
  report: 'report.json',
} as const;
