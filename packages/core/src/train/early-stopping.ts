/**
 * Early stopping as a loop callback (train/loop.ts): stop after `patience` epochs without a lower validation loss
 * and put back the weights of the best epoch. Snapshots are tensors it owns: they are freed when training ends,
 * however it ends.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Callback } from './loop.ts';

/** A validation loss counts as better only when lower by more than this. */
const MIN_DELTA = 1e-7;

export interface EarlyStopping extends Callback {
  /** 1-based epoch whose weights were kept, or undefined when no epoch was validated. */
  readonly bestEpoch: number | undefined;
}

/**
 * `weights`: the variables to snapshot and restore. Pass a `patience` of 0 to disable it (e.g. when there is no
 * validation set): it then never stops and restores nothing.
 */
export function earlyStopping(weights: readonly tf.Variable[], patience: number): EarlyStopping {
  let best: { loss: number; epoch: number; snapshot: tf.Tensor[] } | undefined;
  let sinceBest = 0;
  return {
    get bestEpoch() {
      return best?.epoch;
    },
    onEpochEnd(stats) {
      if (patience <= 0) return;
      if (!best || stats.valLoss < best.loss - MIN_DELTA) {
        if (best) tf.dispose(best.snapshot);
        best = { loss: stats.valLoss, epoch: stats.epoch, snapshot: weights.map((v) => tf.clone(v)) };
        sinceBest = 0;
        return;
      }
      if (++sinceBest >= patience) return 'stop';
    },
    onTrainEnd(_history, failed) {
      if (!best) return;
      if (!failed) weights.forEach((v, i) => v.assign(best!.snapshot[i] as tf.Tensor));
      tf.dispose(best.snapshot);
    },
  };
}
