/**
 * Time estimate before a training starts, from a short probe on the real code path: the library's own training on
 * a small, evenly sampled subset of the loaded dataset, stopped after a few batches. The batches after the first
 * (warm-up: kernels compiled, weights packed) give the time per batch; the run's batches per epoch × epochs give
 * the estimate, the spread of the probe batches its uncertainty (at least ±25 %: batch lengths differ). Early
 * stopping can end sooner, and the frozen path's feature cache can skip the embedding: this is an upper estimate.
 */
import { CancelledError, isCancelled, trainClassifier, TrainingError } from './core';
import { state, type OpContext } from './context';
import type { TrainOptionsMsg } from './protocol';

const PROBE_BATCHES = 4;

export interface TimeEstimate {
  readonly totalMs: number;
  readonly spreadMs: number;
  /** How it was measured, for the page: "probe: 3 batches of 32, 1.2 s each". */
  readonly basis: string;
}

export async function estimateTraining(options: TrainOptionsMsg, ctx: OpContext<never>): Promise<TimeEstimate> {
  const model = state.model;
  const dataset = state.dataset;
  if (!model || !dataset) throw new TrainingError('Load a model and a dataset first', 'steps 1 and 2');
  const n = dataset.data.texts.length;
  const trainRows = Math.round(n * options.ratios[0]);
  const batchesPerEpoch = Math.max(1, Math.ceil(trainRows / options.batchSize));
  // Enough training rows for PROBE_BATCHES full batches, sampled across the file (so every class is there).
  const want = Math.min(n, Math.ceil((PROBE_BATCHES * options.batchSize) / options.ratios[0]) + 8);
  const step = n / want;
  const pick = Array.from({ length: want }, (_, i) => Math.floor(i * step));
  const subset = {
    ...dataset.data,
    texts: pick.map((i) => dataset.data.texts[i]!),
    labels: pick.map((i) => dataset.data.labels[i]!),
  };
  const times: number[] = [];
  const stop = new AbortController();
  const onAbort = () => stop.abort(new CancelledError());
  ctx.signal.addEventListener('abort', onAbort);
  try {
    // A small dataset can finish its one epoch before the probe stops it: the classifier is not kept.
    const done = await trainClassifier({
      model,
      dataset: subset,
      options: { ...options, epochs: 1, seed: options.seed },
      signal: stop.signal,
      onProgress: (e) => {
        ctx.checkCancel();
        if (e.stage !== 'batch') return;
        times.push(performance.now());
        if (times.length > PROBE_BATCHES) stop.abort(new CancelledError());
      },
    });
    done.classifier.dispose();
  } catch (e) {
    if (!isCancelled(e) || ctx.signal.aborted) throw e;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
  const per = times.slice(1).map((t, i) => t - (times[i] as number));
  if (per.length === 0)
    throw new TrainingError('The probe finished before it could time a batch', 'the dataset is very small: just train');
  const mean = per.reduce((a, b) => a + b, 0) / per.length;
  const spread = Math.max(...per.map((p) => Math.abs(p - mean)));
  const batches = batchesPerEpoch * options.epochs;
  const totalMs = mean * batches;
  return {
    totalMs,
    spreadMs: Math.max(0.25 * totalMs, spread * batches),
    basis: `probe: ${per.length} batches of ${options.batchSize} at ${(mean / 1000).toFixed(2)} s each × ${batchesPerEpoch} batches × ${options.epochs} epochs`,
  };
}
