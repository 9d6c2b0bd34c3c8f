/**
 * Few-shot training in the pipeline: a private copy of the encoder is tuned contrastively on pairs of the training
 * examples (contrastive.ts), embeds every text, and the head is trained on those features as on a frozen encoder's
 * (the caller's model stays as loaded; the classifier owns the tuned copy and bundles it).
 */
import type { BertEncoder } from '../encoder/types.ts';
import { tokenizeTexts } from '../features/tokenize.ts';
import { contrastiveTune } from './contrastive.ts';
import { etaMs, stageProgress } from './progress.ts';
import {
  headOnFeatures,
  signalOpt,
  tunableCopy,
  tunedFeatures,
  type StageInputs,
  type TrainedModel,
} from './stages.ts';

/** Pairs per epoch by default: SetFit's 20 iterations × 2 pairs per example, at most this many. */
export const MAX_DEFAULT_PAIRS = 2000;

export async function fewShotStage(s: StageInputs): Promise<TrainedModel> {
  const { data, options: o, emit } = s;
  const f = o.fewShot!;
  const encodings = await tokenizeTexts(s.model.tokenizer, data.texts, {
    maxLength: o.maxLength,
    signal: s.signal,
    onProgress: stageProgress(emit, 'tokenize'),
  });
  s.clock.lap('tokenize');
  let encoder: BertEncoder = tunableCopy(s);
  try {
    const rows = Array.from(data.train);
    const pairs = f.pairs ?? Math.min(MAX_DEFAULT_PAIRS, Math.max(2, 40 * rows.length));
    let epoch = 1;
    let t0 = performance.now();
    const res = await contrastiveTune({
      encoder,
      encodings,
      rows,
      labels: data.labelsOf(data.train),
      pooling: o.pooling,
      layers: f.layers,
      pairs,
      epochs: f.epochs,
      batchSize: f.batchSize,
      learningRate: f.learningRate,
      clipNorm: o.clipNorm,
      seed: o.seed,
      ...signalOpt(s.signal),
      onBatch: (done, total) =>
        emit({
          stage: 'contrastive',
          epoch,
          totalEpochs: f.epochs,
          loss: undefined,
          done,
          total,
          etaMs: etaMs(t0, done, total),
        }),
      onEpoch: (stats) => {
        const total = Math.ceil(pairs / f.batchSize);
        emit({
          stage: 'contrastive',
          epoch,
          totalEpochs: f.epochs,
          loss: stats.trainLoss,
          done: total,
          total,
          etaMs: 0,
        });
        epoch = stats.epoch + 1;
        t0 = performance.now();
      },
    });
    s.clock.lap('contrastive');
    const tuned = await tunedFeatures(
      s,
      encoder,
      encodings,
      data.texts.map((_, p) => p),
    );
    encoder = tuned.encoder;
    const { history } = await headOnFeatures(s, tuned.features);
    return {
      features: tuned.features,
      encoder,
      ownsEncoder: true,
      history,
      featuresCached: false,
      fewShot: { pairs, loss: res.history.map((h) => h.trainLoss) },
    };
  } catch (e) {
    encoder.dispose();
    throw e;
  }
}
