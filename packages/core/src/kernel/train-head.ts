/**
 * The head as the training kernel runs it (train.c head_example): [dropout] → [dense ReLU → dropout] → dense logits,
 * read from the tfjs-layers model that head/model.ts builds. Any other structure is not the kernel's to train.
 */
import type * as tfl from '@tensorflow/tfjs-layers';

export interface KernelHeadSpec {
  /** Hidden units of a 'hidden' head, 0 for a linear one. */
  readonly hidden: number;
  readonly classes: number;
  /** The head's dropout rate (both of its dropout layers have it). */
  readonly dropout: number;
  readonly inputDim: number;
}

interface DenseConfig {
  units: number;
  activation?: string;
  useBias?: boolean;
}

/** The head's shape, or a reason why the kernel cannot train it. */
export function kernelHeadSpec(model: tfl.LayersModel): KernelHeadSpec | string {
  const rates: number[] = [];
  const dense: DenseConfig[] = [];
  let inputDim: number | undefined;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === 'InputLayer') continue;
    if (cls === 'Dropout') rates.push((layer.getConfig() as { rate: number }).rate);
    else if (cls === 'Dense') {
      const c = layer.getConfig() as unknown as DenseConfig;
      if (dense.length === 0) inputDim = (layer.getWeights()[0]?.shape[0] as number | undefined) ?? undefined;
      dense.push(c);
    } else if (cls === 'Activation' && layer.name === 'probs') break;
    else return `the head has a ${cls} layer`;
  }
  if (dense.some((d) => d.useBias === false)) return 'a head layer has no bias';
  if (new Set(rates).size > 1) return 'the head has dropout layers with different rates';
  const logits = dense[dense.length - 1];
  if (logits === undefined || (logits.activation ?? 'linear') !== 'linear')
    return 'the head has no linear logits layer';
  if (dense.length === 2 && dense[0]!.activation !== 'relu') return 'the hidden head layer is not ReLU';
  if (dense.length > 2) return 'the head has more than one hidden layer';
  if (inputDim === undefined) return 'the head has no weights';
  return {
    hidden: dense.length === 2 ? dense[0]!.units : 0,
    classes: logits.units,
    dropout: rates[0] ?? 0,
    inputDim,
  };
}
