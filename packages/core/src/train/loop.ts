/**
 * The ONE training loop (head on features and fine-tuning alike), in the manner of tfjs-layers' fit: epochs of
 * batches, a validation pass per epoch, and callbacks — progress, early stopping (early-stopping.ts) — that see
 * every batch and epoch and may stop training. What a step does (which weights, which forward) is the caller's.
 */
import { TrainingError } from '../errors.ts';
import type { EpochStats } from '../head/types.ts';
import { createYielder } from '../util/yield.ts';

/** What one model's training provides to the loop. */
export interface TrainSteps {
  /** Examples in the training set (the loss and accuracy of an epoch are averaged over them). */
  readonly size: number;
  /** The batches of an epoch, called once at its start (rows of the training set). */
  batches(epoch: number): readonly (readonly number[])[];
  /** One optimisation step: the batch's summed loss (mean loss × rows) and how many rows it got right. */
  step(rows: readonly number[]): Promise<{ readonly loss: number; readonly correct: number }>;
  /** Loss and accuracy on the validation set, or undefined when there is none. */
  validate(): Promise<{ readonly loss: number; readonly accuracy: number } | undefined>;
}

export interface Callback {
  /** After each batch: (batches done this epoch, batches in the epoch, epoch). */
  onBatchEnd?(done: number, total: number, epoch: number): void;
  /** After each epoch; returning 'stop' ends training. */
  onEpochEnd?(stats: EpochStats): 'stop' | void;
  /** When training ends (finished, stopped, or failed: then `failed` is true). */
  onTrainEnd?(history: readonly EpochStats[], failed: boolean): void;
}

export interface LoopOptions {
  readonly epochs: number;
  readonly callbacks?: readonly Callback[];
  /** Checked between batches (CancelledError). */
  readonly signal?: AbortSignal | undefined;
}

export interface LoopResult {
  readonly history: EpochStats[];
  /** True when a callback stopped training before the last epoch. */
  readonly stoppedEarly: boolean;
}

export async function fitLoop(steps: TrainSteps, options: LoopOptions): Promise<LoopResult> {
  if (steps.size === 0) {
    throw new TrainingError('The training split is empty', 'use a larger dataset or other split ratios');
  }
  const callbacks = options.callbacks ?? [];
  const yielder = createYielder(options.signal);
  const history: EpochStats[] = [];
  let stoppedEarly = false;
  let failed = true;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const t0 = performance.now();
      const batches = steps.batches(epoch);
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < batches.length; b++) {
        await yielder.maybeYield();
        const r = await steps.step(batches[b]!);
        if (!Number.isFinite(r.loss)) {
          throw new TrainingError('The training loss became NaN/Infinity', 'lower the learning rates or clip-norm');
        }
        lossSum += r.loss;
        correct += r.correct;
        for (const c of callbacks) c.onBatchEnd?.(b + 1, batches.length, epoch);
      }
      const val = (await steps.validate()) ?? { loss: NaN, accuracy: NaN };
      const stats: EpochStats = {
        epoch,
        trainLoss: lossSum / steps.size,
        trainAccuracy: correct / steps.size,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
        ms: performance.now() - t0,
      };
      history.push(stats);
      let stop = false;
      for (const c of callbacks) if (c.onEpochEnd?.(stats) === 'stop') stop = true;
      if (stop) {
        stoppedEarly = epoch < options.epochs;
        break;
      }
    }
    failed = false;
    return { history, stoppedEarly };
  } finally {
    for (const c of callbacks) c.onTrainEnd?.(history, failed);
  }
}

/** Progress callbacks as plain functions (the pipeline's TrainProgress events). */
export function progressCallback(
  onEpoch: ((stats: EpochStats) => void) | undefined,
  onBatch: ((done: number, total: number) => void) | undefined,
): Callback {
  return {
    onBatchEnd: (done, total) => onBatch?.(done, total),
    onEpochEnd: (stats) => void onEpoch?.(stats),
  };
}
