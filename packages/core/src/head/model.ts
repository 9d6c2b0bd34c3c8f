/**
 * The classification head as a standard tfjs-layers model: [dropout] → [dense ReLU → dropout] → dense logits →
 * softmax. Softmax over C units for every problem (2 units for binary) so binary and multi-class share one
 * code path and one saved format; the positive-class probability is scores[positive].
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TrainingError } from '../errors.ts';
import { deriveSeed } from '../util/random.ts';
import type { HeadOptions } from './types.ts';

export const HEAD_DEFAULTS = { kind: 'linear', hiddenUnits: 256, dropout: 0.1, seed: 42 } as const;

export function createHead(inputDim: number, numClasses: number, options: HeadOptions = {}): tfl.LayersModel {
  const kind = options.kind ?? HEAD_DEFAULTS.kind;
  const hiddenUnits = options.hiddenUnits ?? HEAD_DEFAULTS.hiddenUnits;
  const dropout = options.dropout ?? HEAD_DEFAULTS.dropout;
  const seed = options.seed ?? HEAD_DEFAULTS.seed;
  if (!Number.isInteger(inputDim) || inputDim < 1)
    throw new TrainingError(`Head input size must be ≥ 1, got ${inputDim}`);
  if (numClasses < 2) throw new TrainingError(`A classifier needs at least 2 classes, got ${numClasses}`);
  if (!(dropout >= 0 && dropout < 1)) throw new TrainingError(`dropout must be in [0, 1), got ${dropout}`);
  if (kind === 'hidden' && (!Number.isInteger(hiddenUnits) || hiddenUnits < 1)) {
    throw new TrainingError(`hiddenUnits must be a positive integer, got ${hiddenUnits}`);
  }
  const model = tfl.sequential({ name: 'browser_bert_head' });
  model.add(tfl.layers.inputLayer({ inputShape: [inputDim], name: 'features' }));
  if (dropout > 0) model.add(tfl.layers.dropout({ rate: dropout, name: 'input_dropout' }));
  if (kind === 'hidden') {
    model.add(
      tfl.layers.dense({
        units: hiddenUnits,
        activation: 'relu',
        name: 'hidden',
        kernelInitializer: tfl.initializers.heNormal({ seed: deriveSeed(seed, 'init:hidden') }),
        biasInitializer: 'zeros',
      }),
    );
    if (dropout > 0) model.add(tfl.layers.dropout({ rate: dropout, name: 'hidden_dropout' }));
  }
  model.add(
    tfl.layers.dense({
      units: numClasses,
      name: 'logits',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: deriveSeed(seed, 'init:logits') }),
      biasInitializer: 'zeros',
    }),
  );
  model.add(tfl.layers.activation({ activation: 'softmax', name: 'probs' }));
  return model;
}

/**
 * Logits for training/evaluation: runs every layer but the final softmax; dropout layers are applied with an
 * explicit per-step seed (tfjs-layers' own dropout would reuse one mask for a fixed seed, or use Math.random).
 * Call inside tf.tidy / variableGrads.
 */
export function headLogits(
  model: tfl.LayersModel,
  x: tf.Tensor2D,
  options: { training: boolean; dropoutSeed?: number },
): tf.Tensor2D {
  let h: tf.Tensor = x;
  let dropoutIndex = 0;
  for (const layer of model.layers) {
    if (layer.name === 'probs') break;
    const cls = layer.getClassName();
    if (cls === 'InputLayer') continue;
    if (cls === 'Dropout') {
      const rate = (layer.getConfig() as { rate: number }).rate;
      if (options.training && rate > 0) {
        h = tf.dropout(h, rate, undefined, (options.dropoutSeed ?? 0) + 7919 * dropoutIndex++);
      }
      continue;
    }
    h = layer.apply(h) as tf.Tensor;
  }
  return h as tf.Tensor2D;
}

/** Trainable weights of the head (kernels and biases). */
export function headVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}
