/**
 * The two ways the pipeline trains: a head on the frozen encoder's (cached) features, or fine-tuning a private copy
 * of the encoder together with the head. Both give the features the held-out splits are scored on.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { BertEncoder } from '../encoder/types.ts';
import { cachedFeatures } from '../features/cached.ts';
import { embedTexts } from '../features/embed.ts';
import { tokenizeTexts } from '../features/tokenize.ts';
import { fitStandardizer, foldStandardizer } from '../head/standardize.ts';
import type { EpochStats, FeatureMatrix } from '../head/types.ts';
import type { FeatureCache } from '../io/feature-cache.ts';
import { withInference } from '../kernel/attach.ts';
import { cloneEncoder } from '../model/clone.ts';
import type { LoadedModel } from '../model/types.ts';
import type { Encoding } from '../tokenizer/types.ts';
import type { TrainingData } from './data.ts';
import { fineTune } from './fine-tune.ts';
import { fitHead } from './fit-head.ts';
import { epochProgress, stageProgress, type stageClock } from './progress.ts';
import type { ResolvedTrainOptions, TrainProgress } from './types.ts';

export interface StageInputs {
  readonly model: LoadedModel;
  readonly head: tfl.LayersModel;
  readonly data: TrainingData;
  readonly options: ResolvedTrainOptions;
  readonly normalize: boolean;
  readonly flattenLength: number | undefined;
  readonly classWeights: Float32Array;
  readonly featureCache: FeatureCache | undefined;
  readonly clock: ReturnType<typeof stageClock>;
  readonly emit: (e: TrainProgress) => void;
  readonly signal: AbortSignal | undefined;
}

export interface TrainedModel {
  /** Rows at the data's positions (fine-tuning: only validation and test rows are filled). */
  readonly features: FeatureMatrix;
  /** The encoder the classifier runs: the model's own (frozen) or a fine-tuned copy. */
  readonly encoder: BertEncoder;
  readonly ownsEncoder: boolean;
  readonly history: EpochStats[];
  readonly featuresCached: boolean;
  /** Early stopping on the validation loss: the epoch whose weights were restored, and whether it stopped early. */
  readonly stop?: EarlyStopFacts | undefined;
  /** Few-shot only: the pairs per epoch and the contrastive loss of each epoch (for the report). */
  readonly fewShot?: { readonly pairs: number; readonly loss: number[] };
}

export interface EarlyStopFacts {
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
}

export const signalOpt = (signal: AbortSignal | undefined) => (signal ? { signal } : {});

/** Features from the frozen encoder (feature cache first), then the head; standardisation fitted on train only. */
export async function frozenHeadStage(s: StageInputs): Promise<TrainedModel> {
  const { data, options: o, emit } = s;
  const n = data.texts.length;
  const r = await cachedFeatures(s.model, data.texts, {
    pooling: o.pooling,
    normalize: s.normalize,
    maxLength: o.maxLength,
    batchSize: o.embedBatchSize,
    flattenLength: s.flattenLength,
    cache: s.featureCache,
    signal: s.signal,
    onTokenize: stageProgress(emit, 'tokenize'),
    onEmbed: stageProgress(emit, 'embed'),
  });
  if (r.cached) emit({ stage: 'embed', cached: true, done: n, total: n, etaMs: 0 });
  else s.clock.lap('tokenize', r.tokenizeMs);
  s.clock.lap('embed');
  const fit = await headOnFeatures(s, r.features);
  return {
    features: r.features,
    encoder: s.model.encoder,
    ownsEncoder: false,
    history: fit.history,
    stop: { bestEpoch: fit.bestEpoch, stoppedEarly: fit.stoppedEarly },
    featuresCached: r.cached,
  };
}

/** The head on features of every position (standardisation fitted on the training split, folded into the head). */
export async function headOnFeatures(
  s: StageInputs,
  features: FeatureMatrix,
): Promise<{ history: EpochStats[] } & EarlyStopFacts> {
  const { data, options: o, emit } = s;
  const standardizer = o.standardize ? fitStandardizer(features, Array.from(data.train)) : undefined;
  const progress = epochProgress(emit, o.epochs);
  const fit = await fitHead(
    s.head,
    { features, rows: data.train, labels: data.labelsOf(data.train) },
    { features, rows: data.validation, labels: data.labelsOf(data.validation) },
    {
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      classWeights: s.classWeights,
      patience: o.earlyStoppingPatience,
      seed: o.seed,
      ...(standardizer ? { standardizer } : {}),
      ...signalOpt(s.signal),
      ...progress,
    },
  );
  if (standardizer) foldStandardizer(s.head, standardizer);
  s.clock.lap('train');
  return { history: fit.history, bestEpoch: fit.bestEpoch, stoppedEarly: fit.stoppedEarly };
}

/** A [total, dim] matrix whose rows `ps` are `m`'s rows (others zero). */
function scatterRows(m: FeatureMatrix, ps: ArrayLike<number>, total: number): FeatureMatrix {
  const out = new Float32Array(total * m.dim);
  for (let i = 0; i < ps.length; i++) out.set(m.data.subarray(i * m.dim, (i + 1) * m.dim), (ps[i] as number) * m.dim);
  return { dim: m.dim, data: out };
}

/**
 * A private copy of the loaded encoder to tune: the caller's model stays as loaded, and the copy shares its weights
 * until trained. The loaded model's engine idles meanwhile, so its workers end (freeing their memory, which the tuning
 * workers need) and start again when it next runs.
 */
export function tunableCopy(s: StageInputs): BertEncoder {
  s.model.encoder.inference?.suspend?.();
  return cloneEncoder(s.model.encoder);
}

/**
 * A tuned encoder copy with the loaded model's inference engine attached (its weights are packed on first use), and
 * its features for `positions`, in a [texts, dim] matrix (other rows zero).
 */
export async function tunedFeatures(
  s: StageInputs,
  tuned: BertEncoder,
  encodings: readonly Encoding[],
  positions: readonly number[],
): Promise<{ encoder: BertEncoder; features: FeatureMatrix }> {
  const { options: o, emit } = s;
  const engine = s.model.encoder.inference;
  const encoder = engine ? withInference(tuned, { inference: 'wasm-simd', inferenceThreads: engine.threads }) : tuned;
  let own: FeatureMatrix;
  try {
    own = await embedTexts(
      encoder,
      positions.map((p) => encodings[p] as Encoding),
      {
        pooling: o.pooling,
        normalize: s.normalize,
        batchSize: o.embedBatchSize,
        ...(s.flattenLength === undefined ? {} : { flattenLength: s.flattenLength }),
        ...signalOpt(s.signal),
        onProgress: stageProgress(emit, 'embed'),
      },
    );
  } catch (e) {
    if (encoder !== tuned) encoder.dispose(); // the engine (and the copy: disposing it twice is harmless)
    throw e;
  }
  s.clock.lap('embed');
  return { encoder, features: scatterRows(own, positions, s.data.texts.length) };
}

/**
 * Fine-tuning: a private copy of the encoder (the caller's model stays as loaded) is trained with the head, then
 * embeds the validation and test texts.
 */
export async function fineTuneStage(s: StageInputs): Promise<TrainedModel> {
  const { data, options: o, emit } = s;
  const encodings = await tokenizeTexts(s.model.tokenizer, data.texts, {
    maxLength: o.maxLength,
    signal: s.signal,
    onProgress: stageProgress(emit, 'tokenize'),
  });
  s.clock.lap('tokenize');
  let encoder: BertEncoder = tunableCopy(s);
  try {
    const res = await fineTune(
      {
        encoder,
        head: s.head,
        encodings,
        pooling: o.pooling,
        normalize: s.normalize,
        ...(s.flattenLength === undefined ? {} : { flattenLength: s.flattenLength }),
        layers: o.fineTuneLayers,
        epochs: o.epochs,
        batchSize: o.batchSize,
        headLearningRate: o.learningRate,
        encoderLearningRate: o.fineTuneLearningRate,
        clipNorm: o.clipNorm,
        classWeights: s.classWeights,
        patience: o.earlyStoppingPatience,
        seed: o.seed,
        ...signalOpt(s.signal),
        ...epochProgress(emit, o.epochs),
        engine: o.fineTuneEngine,
        ...(s.model.encoder.inference ? { kernelThreads: s.model.encoder.inference.threads } : {}),
      },
      { rows: Array.from(data.train), labels: data.y },
      { rows: Array.from(data.validation), labels: data.y },
    );
    s.clock.lap('train');
    const tuned = await tunedFeatures(s, encoder, encodings, [...data.validation, ...data.test]);
    encoder = tuned.encoder;
    const { features } = tuned;
    return {
      features,
      encoder,
      ownsEncoder: true,
      history: res.history,
      stop: { bestEpoch: res.bestEpoch, stoppedEarly: res.stoppedEarly },
      featuresCached: false,
    };
  } catch (e) {
    encoder.dispose();
    throw e;
  }
}
