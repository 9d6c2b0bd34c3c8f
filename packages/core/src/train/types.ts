/** The training pipeline's options and progress events (shared by the CLI and the web worker). */
import type { ClassifierPooling } from '../vocabulary.ts';
import type { EpochStats, HeadKind } from '../head/types.ts';

/** Few-shot training (SetFit-style): contrastive tuning of the encoder's top layers on pairs, then the head. */
export interface FewShotOptions {
  /** Pairs per epoch, half positive. Default min(2,000, 40 × training examples) (SetFit: 20 iterations × 2 pairs). */
  pairs?: number;
  /** Epochs over the pairs. Default 1. */
  epochs?: number;
  /** Encoder layers tuned: top k, or 'all'. Default 2 (fewer when the model has fewer). */
  layers?: number | 'all';
  /** Adam learning rate of the tuned layers. Default 2e-5 (SetFit's). */
  learningRate?: number;
  /** Pairs per batch. Default 16. */
  batchSize?: number;
}

export interface ResolvedFewShot {
  /** undefined = the default for the training split's size. */
  readonly pairs: number | undefined;
  readonly epochs: number;
  readonly layers: number | 'all';
  readonly learningRate: number;
  readonly batchSize: number;
}

export interface TrainOptions {
  /** Default: the model's own (sentence-transformers) pooling, else 'mean'. 'flatten' is the tutorial's baseline. */
  pooling?: ClassifierPooling;
  /** Default 'linear'. */
  head?: HeadKind;
  /** Hidden units of the 'hidden' head. Default 256. */
  hiddenUnits?: number;
  /** Dropout of the head (training only). Default 0.1. */
  dropout?: number;
  /**
   * Maximum epochs (early stopping may stop sooner). Default 20 frozen; fine-tuning: enough for ≥ 150 optimiser
   * steps on the dataset, 3–20 (fineTuneEpochsFor).
   */
  epochs?: number;
  /** Adam learning rate of the head. Default 4e-3 on frozen features, 1e-3 when fine-tuning. */
  learningRate?: number;
  /** Training batch size. Default 128 on frozen features, 32 when fine-tuning. */
  batchSize?: number;
  /** Encoder layers to train with the head: 0 = frozen encoder (default), k = top k layers (+ pooler), 'all'. */
  fineTuneLayers?: number | 'all';
  /** Adam learning rate of the un-frozen encoder layers. Default 5e-5. */
  fineTuneLearningRate?: number;
  /**
   * What computes the fine-tuning steps: 'auto' (default) the WebAssembly kernel when the model's inference runs on it
   * and the setup suits it (pooling mean / cls / pooler), else TF.js; 'kernel' the kernel or an error; 'tfjs' TF.js.
   */
  fineTuneEngine?: 'auto' | 'kernel' | 'tfjs';
  /** Gradient clipping by global norm (fine-tuning). Default 1. */
  clipNorm?: number;
  /** Seed of the split, initialisers, shuffling and dropout. Default 42. */
  seed?: number;
  /** Train/validation/test fractions. Default [0.8, 0.1, 0.1]. */
  ratios?: readonly [number, number, number];
  /** 'balanced' weights the loss by inverse class frequency. Default 'none'. */
  classWeighting?: 'none' | 'balanced';
  /** Epochs without validation-loss improvement before stopping (best weights restored); 0 = off. Default 3. */
  earlyStoppingPatience?: number;
  /** Tokens per text (truncation). Default the tokenizer's (128); 'flatten' always uses 128. */
  maxLength?: number;
  /** Standardise features (fitted on train only, folded into the head). Default true for a frozen encoder. */
  standardize?: boolean;
  /** Texts per encoder batch when extracting features. Default 64. */
  embedBatchSize?: number;
  /** Positive class of a binary problem (default: spam/1/true/positive… else the minority class). */
  positiveLabel?: string;
  /**
   * Few-shot training (SetFit-style) for a few labels per class: contrastive tuning of the encoder's top layers on
   * pairs of training examples, then the head on the tuned encoder's features. `true` = the defaults. Not with
   * fineTuneLayers. Default off.
   */
  fewShot?: boolean | FewShotOptions;
}

export type ResolvedTrainOptions = Required<Omit<TrainOptions, 'positiveLabel' | 'fewShot'>> & {
  positiveLabel?: string;
  fewShot?: ResolvedFewShot;
};

interface StageProgress {
  readonly done: number;
  readonly total: number;
  /** Estimated milliseconds left in this stage (undefined until it can be estimated). */
  readonly etaMs: number | undefined;
}

/** Progress events, a discriminated union on `stage`, so a UI can draw bars and live curves. */
export type TrainProgress =
  | {
      readonly stage: 'split';
      readonly train: number;
      readonly validation: number;
      readonly test: number;
      readonly duplicatesRemoved: number;
    }
  | ({ readonly stage: 'tokenize' } & StageProgress)
  | ({ readonly stage: 'embed'; readonly cached: boolean } & StageProgress)
  | ({ readonly stage: 'batch'; readonly epoch: number; readonly totalEpochs: number } & StageProgress)
  | ({ readonly stage: 'epoch'; readonly totalEpochs: number } & EpochStats)
  /** Few-shot contrastive tuning: after each batch of pairs (loss undefined) and each epoch (its mean loss). */
  | ({
      readonly stage: 'contrastive';
      readonly epoch: number;
      readonly totalEpochs: number;
      readonly loss: number | undefined;
    } & StageProgress)
  | ({ readonly stage: 'evaluate' } & StageProgress);

export type TrainStage = TrainProgress['stage'];
