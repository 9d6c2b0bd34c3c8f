/**
 * The ONE message protocol between the page and the training worker. Every request carries an `id`; the worker
 * answers with zero or more `progress` messages and exactly one `result` or `error` for that id.
 * All payloads are plain structured-cloneable data (File / FileSystemDirectoryHandle / ArrayBuffer included).
 */
import type { BinaryCurves as CoreBinaryCurves, ClassifierPooling, TrainingReport } from '@browser-bert/core';
import type {
  DeployDTypeMsg,
  DeployExportMsg,
  DeployFormatMsg,
  LabelActionMsg,
  LabelFilterMsg,
  LabelImportMsg,
  LabelItemMsg,
  LabelSourceMsg,
  LabelStoredMsg,
  LabelViewMsg,
} from './protocol-label';

export type BackendPref = 'auto' | 'webgpu' | 'wasm' | 'webgl' | 'cpu';
export type PoolingChoice = ClassifierPooling;
export type FineTuneChoice = number | 'all';

export type ModelSourceMsg =
  | { readonly kind: 'hub'; readonly id: string; readonly revision: string; readonly endpoint: string }
  | { readonly kind: 'files'; readonly files: readonly File[] }
  | { readonly kind: 'directory'; readonly handle: FileSystemDirectoryHandle }
  /** A model folder shipped with the app (same origin), e.g. the generated demo encoder: `files` under `url`. */
  | { readonly kind: 'builtin'; readonly url: string; readonly name: string; readonly files: readonly string[] };

export type DatasetSourceMsg =
  /** A file shipped with the app (fetched from the app's own origin). */
  | { readonly kind: 'builtin'; readonly url: string; readonly name: string }
  | { readonly kind: 'file'; readonly file: File }
  | { readonly kind: 'text'; readonly text: string; readonly name: string };

export interface DatasetOptionsMsg {
  readonly textColumn?: string;
  readonly labelColumn?: string;
  /** When true (default) the data must be trainable: ≥ 2 classes, ≥ 2 rows per class, … */
  readonly validate?: boolean;
}

export interface BackendInfo {
  readonly backend: string;
  readonly crossOriginIsolated: boolean;
  readonly simd: boolean | undefined;
  readonly threads: number | undefined;
  readonly webgpuAvailable: boolean;
}

export interface FileProgressMsg {
  readonly file: string;
  readonly loaded: number;
  readonly total: number | undefined;
  readonly done: boolean;
  readonly fromCache: boolean;
}

export interface ModelSummary {
  readonly source: string;
  readonly revision: string | undefined;
  readonly weightsFormat: string;
  readonly weightsHash: string;
  readonly randomInit: boolean;
  readonly defaultPooling: PoolingChoice;
  readonly hasPooler: boolean;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly heads: number;
  readonly vocabSize: number;
  readonly maxPositions: number;
  readonly loadMs: number;
  /** Frozen forward: 'wasm-simd kernel · 2 workers', or 'TF.js' when the kernel cannot run here. */
  readonly inference: string;
}

export interface CachedModelMsg {
  readonly id: string;
  readonly revision: string;
  readonly bytes: number;
  readonly files: number;
}

export interface DatasetSummary {
  readonly name: string;
  readonly format: string;
  readonly columns: readonly string[];
  readonly textColumn: string;
  readonly labelColumn: string;
  readonly rows: number;
  readonly rowsSkipped: number;
  readonly classCounts: readonly { readonly label: string; readonly count: number }[];
  readonly duplicates: number;
  readonly warnings: readonly string[];
  /** Examples added from the Try step since the file was loaded. */
  readonly added?: number;
  /** The first rows, as plain text (rendered as text, never HTML). */
  readonly preview: readonly { readonly text: string; readonly label: string }[];
}

export interface TrainOptionsMsg {
  readonly pooling: PoolingChoice;
  readonly head: 'linear' | 'hidden';
  readonly hiddenUnits: number;
  readonly epochs: number;
  /** Adam learning rate of the head. */
  readonly learningRate: number;
  readonly fineTuneLayers: FineTuneChoice;
  /** Adam learning rate of the un-frozen encoder layers (fine-tuning only). */
  readonly fineTuneLearningRate: number;
  readonly seed: number;
  readonly ratios: readonly [number, number, number];
  readonly batchSize: number;
  /** Few-shot (SetFit-style contrastive tuning of the top layers, then the head); excludes fineTuneLayers > 0. */
  readonly fewShot?: boolean;
}

export type TrainStage = 'split' | 'tokenize' | 'embed' | 'contrastive' | 'epoch' | 'evaluate';

export interface EpochPoint {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss: number | undefined;
  readonly valAccuracy: number | undefined;
}

export interface TrainProgressMsg {
  readonly stage: TrainStage;
  readonly done: number;
  readonly total: number;
  readonly etaMs: number | undefined;
  /** The ETA's uncertainty (± ms), learned from the reports so far; absent while it is still being estimated. */
  readonly etaSpreadMs?: number | undefined;
  /** Present on epoch progress: all epochs finished so far. */
  readonly history?: readonly EpochPoint[];
  /** Present when the feature cache answered instead of the encoder. */
  readonly fromCache?: boolean;
}

/**
 * Binary problems only: test-set curves and metrics at thresholds 0.00 … 1.00 (for the threshold slider), computed
 * by the library with the report's rules.
 */
export interface BinaryCurves extends CoreBinaryCurves {
  readonly positiveLabel: string;
  /** Test examples the curves were computed on (equals report.splits.test). */
  readonly n: number;
  /** The decision threshold chosen on the validation split. */
  readonly chosenThreshold: number;
}

/** The library's report (the issue-3 JSON): labels, splits, baseline, validation/test metrics, misclassified … */
export type ReportMsg = TrainingReport;

export interface ClassifierSummary {
  readonly name: string | undefined;
  readonly labels: readonly string[];
  readonly encoderSource: string;
  readonly randomInit: boolean;
  readonly savedAt: string | undefined;
  /** The encoder as the manifest records it (absent in summaries from older pages). */
  readonly encoder?: ClassifierEncoderMsg | undefined;
  /** A loaded classifier's stored report (report.json of its bundle), to show in Evaluate. */
  readonly report?: ReportMsg | undefined;
  /** Set when loading it also made its encoder the current model (step 1). */
  readonly model?: ModelSummary | undefined;
}

export interface ClassifierEncoderMsg {
  readonly source: string;
  readonly revision: string | null;
  readonly weightsHash: string;
  /** The bundle carries the encoder's weights (self-contained). */
  readonly included: boolean;
  readonly fineTuned: boolean;
  /** The encoder came from picked files: it has no address to be loaded from again. */
  readonly pickedFiles: boolean;
}

/** Sizes of the active classifier's zip with and without its encoder, shown before a save or download. */
export interface BundleSizesMsg {
  readonly withEncoder: number;
  /** Undefined when it cannot be saved without its encoder (fine-tuned). */
  readonly headOnly: number | undefined;
  readonly encoder: ClassifierEncoderMsg;
}

export interface SavedClassifierMsg {
  readonly name: string;
  readonly labels: readonly string[];
  readonly encoderSource: string;
  readonly savedAt: string | undefined;
  readonly bytes: number | undefined;
}

export interface Prediction {
  readonly label: string;
  readonly scores: Readonly<Record<string, number>>;
}

/**
 * The operations: for each, what the page sends (`req`), what it gets back once (`res`), and what it may get
 * before that (`progress`, `never` when the operation reports none).
 */
export interface Operations {
  init: {
    req: { backend: BackendPref; cancelFlags: SharedArrayBuffer | undefined; wasmThreads?: number };
    res: BackendInfo;
    progress: never;
  };
  load: { req: { source: ModelSourceMsg }; res: ModelSummary; progress: FileProgressMsg };
  listCache: { req: { endpoint: string }; res: CachedModelMsg[]; progress: never };
  removeCache: { req: { endpoint: string; id: string; revision: string }; res: CachedModelMsg[]; progress: never };
  dataset: { req: { source: DatasetSourceMsg; options: DatasetOptionsMsg }; res: DatasetSummary; progress: never };
  train: {
    req: { options: TrainOptionsMsg };
    res: { report: ReportMsg; classifier: ClassifierSummary };
    progress: TrainProgressMsg;
  };
  /** The library's defaults for the loaded model and a fine-tune depth (so the page and the CLI agree). */
  trainDefaults: {
    req: { fineTuneLayers: FineTuneChoice };
    res: Pick<
      TrainOptionsMsg,
      'pooling' | 'head' | 'hiddenUnits' | 'epochs' | 'learningRate' | 'batchSize' | 'fineTuneLearningRate'
    >;
    progress: never;
  };
  /** Binary only: test-set curves and the threshold table of the classifier just trained (undefined otherwise). */
  curves: { req: Record<string, never>; res: BinaryCurves | undefined; progress: never };
  predict: { req: { texts: string[] }; res: { predictions: Prediction[]; ms: number }; progress: never };
  /** includeEncoder: default true (self-contained); false saves the head and the encoder's id, revision and hash. */
  save: { req: { name: string; includeEncoder?: boolean }; res: SavedClassifierMsg[]; progress: never };
  bundleSizes: { req: Record<string, never>; res: BundleSizesMsg; progress: never };
  listSaved: { req: Record<string, never>; res: SavedClassifierMsg[]; progress: never };
  loadSaved: { req: { name: string; endpoint: string }; res: ClassifierSummary; progress: FileProgressMsg };
  deleteSaved: { req: { name: string }; res: SavedClassifierMsg[]; progress: never };
  exportZip: { req: { includeEncoder?: boolean }; res: { fileName: string; bytes: ArrayBuffer }; progress: never };
  /** Makes a zipped bundle (e.g. the page's copy of the last trained classifier) the active classifier. */
  loadBundle: {
    req: { bytes: ArrayBuffer; name: string | undefined; endpoint: string };
    res: ClassifierSummary;
    progress: FileProgressMsg;
  };
  /** New class names for the active classifier, in the head's order (Try, Evaluate and saves use them). */
  renameLabels: { req: { labels: string[] }; res: ClassifierSummary; progress: never };
  /** Scores every text of a file with the active classifier → CSV (text, [label], predicted, one column per class). */
  scoreFile: {
    req: { file: File };
    res: { fileName: string; csv: string; rows: number; ms: number };
    progress: never;
  };
  /** Appends one labelled text to the loaded dataset. */
  addExample: { req: { text: string; label: string }; res: DatasetSummary; progress: never };
  /**
   * Fine-tuning time before it starts, from a short probe (a few real training batches on a sample of the data):
   * the epochs' time (upper estimate: early stopping may end sooner) with its uncertainty.
   */
  estimate: {
    req: { options: TrainOptionsMsg };
    res: { totalMs: number; spreadMs: number; basis: string };
    progress: never;
  };
  /** Labelling (issue 15): a new session from unlabelled / partly labelled texts; embeds the pool (feature cache). */
  labelStart: {
    req: { source: LabelSourceMsg; classes: string[] };
    res: LabelViewMsg;
    progress: TrainProgressMsg;
  };
  /** The session stored in IndexedDB, made live again with the loaded model (after a reload or a worker restart). */
  labelResume: { req: Record<string, never>; res: LabelViewMsg; progress: TrainProgressMsg };
  /** What IndexedDB holds, without a model (undefined: no session). */
  labelStored: { req: Record<string, never>; res: LabelStoredMsg | undefined; progress: never };
  /** Label / skip / undo / typed example / new class / retrain now; stored in IndexedDB before the answer. */
  labelAct: { req: { action: LabelActionMsg }; res: LabelViewMsg; progress: never };
  /** A page of the session's texts for the table view. */
  labelPage: {
    req: { offset: number; limit: number; filter: LabelFilterMsg };
    res: { items: LabelItemMsg[]; total: number };
    progress: never;
  };
  /** Labels from a CSV/JSONL file merged into the session (nothing already labelled changes). */
  labelImport: { req: { file: File }; res: LabelImportMsg; progress: never };
  /** The stored labels as CSV / JSONL text (works without a model). */
  labelExport: {
    req: { format: 'csv' | 'jsonl'; labelledOnly: boolean };
    res: { fileName: string; text: string; rows: number };
    progress: never;
  };
  /** Deletes the stored session (the page asks first). */
  labelDiscard: { req: Record<string, never>; res: { discarded: boolean }; progress: never };
  /** Issue 12: the active classifier as an ONNX / Transformers.js / HF folder with its model card, zipped. */
  exportDeploy: {
    req: { format: DeployFormatMsg; dtype: DeployDTypeMsg };
    res: DeployExportMsg;
    progress: never;
  };
  /** Aborts request `target` (it then ends with an error whose code is CANCELLED, between two batches). */
  cancel: { req: { target: number }; res: { cancelled: boolean }; progress: never };
}

export type OpName = keyof Operations;

/** page → worker */
export type Request = { [K in OpName]: { readonly id: number; readonly type: K } & Operations[K]['req'] }[OpName];

export interface ErrorMsg {
  /** Error class name, e.g. HubError, DataError, WeightsError, CancelledError. */
  readonly name: string;
  /** browser-bert error code (errors.ts) or 'INTERNAL' / 'OOM'. */
  readonly code: string;
  readonly message: string;
  /** How to fix it. */
  readonly hint: string;
}

/** worker → page */
export type Response =
  | {
      [K in OpName]: {
        readonly id: number;
        readonly type: 'progress';
        readonly op: K;
        readonly progress: Operations[K]['progress'];
      };
    }[OpName]
  | {
      [K in OpName]: {
        readonly id: number;
        readonly type: 'result';
        readonly op: K;
        readonly result: Operations[K]['res'];
      };
    }[OpName]
  | { readonly id: number; readonly type: 'error'; readonly op: OpName; readonly error: ErrorMsg };

export type RequestOf<K extends OpName> = Extract<Request, { type: K }>;
