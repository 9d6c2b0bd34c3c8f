/**
 * The saved head (standard TF.js layers files: head/model.json + head/weights.bin) read and run in plain JS, without
 * TF.js: the TF.js-free runtime and the exporters use it. Only what createHead makes is accepted — InputLayer,
 * Dropout (a no-op in inference), Dense (linear or relu) and a final softmax — each layer checked against its
 * weights, so a damaged or foreign head is a clear error, not wrong scores.
 */
import { StorageError } from '../errors.ts';
import { toFloat32 } from '../weights/dtype.ts';
import { readTfjsWeights } from '../weights/tfjs.ts';

export interface PlainDense {
  readonly name: string;
  readonly inputDim: number;
  readonly units: number;
  /** Row-major [inputDim, units] (Keras layout: y = x·kernel + bias). */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly activation: 'linear' | 'relu';
}

export interface PlainHead {
  readonly inputDim: number;
  readonly classes: number;
  /** The dense layers in order; the last one gives the logits. */
  readonly layers: readonly PlainDense[];
  /** Class probabilities, row-major [n, classes], for n feature rows (row-major [n, inputDim]). */
  predict(features: Float32Array): Float32Array;
  /** The logits (before softmax), row-major [n, classes]. */
  logits(features: Float32Array): Float32Array;
}

interface LayerJson {
  readonly class_name?: unknown;
  readonly config?: Record<string, unknown>;
}

function damaged(what: string): StorageError {
  return new StorageError(`head/model.json ${what}`, 'the classifier bundle is damaged; save or export it again');
}

function layersOf(modelJson: unknown): LayerJson[] {
  const topology = (modelJson as { modelTopology?: { config?: unknown } } | null)?.modelTopology;
  const config = topology?.config;
  const layers = Array.isArray(config) ? config : (config as { layers?: unknown } | undefined)?.layers;
  if (!Array.isArray(layers)) throw damaged('has no Sequential model topology');
  return layers as LayerJson[];
}

/** Reads the head's topology and weights (bytes of model.json and weights.bin). */
export function readPlainHead(modelJsonBytes: Uint8Array, weightsBytes: Uint8Array): PlainHead {
  let modelJson: unknown;
  try {
    modelJson = JSON.parse(new TextDecoder().decode(modelJsonBytes));
  } catch {
    throw damaged('is not valid JSON');
  }
  let tensors;
  try {
    tensors = readTfjsWeights(modelJson, [weightsBytes]).tensors;
  } catch (e) {
    throw new StorageError(
      `head/weights.bin does not match head/model.json (${(e as Error).message})`,
      'the classifier bundle is damaged; save or export it again',
      { cause: e },
    );
  }
  const layers: PlainDense[] = [];
  let inputDim: number | undefined;
  let softmax = false;
  for (const l of layersOf(modelJson)) {
    const cls = l.class_name;
    const cfg = l.config ?? {};
    if (softmax) throw damaged('has layers after its softmax');
    if (cls === 'InputLayer') {
      const shape = (cfg.batch_input_shape ?? cfg.batchInputShape) as unknown;
      const d = Array.isArray(shape) ? shape[1] : undefined;
      if (typeof d !== 'number') throw damaged('has an input layer without a feature size');
      inputDim = d;
    } else if (cls === 'Dropout') {
      continue; // inference: identity
    } else if (cls === 'Dense') {
      const name = String(cfg.name);
      const act = cfg.activation ?? 'linear';
      if (act !== 'linear' && act !== 'relu') throw damaged(`layer "${name}" has activation "${String(act)}"`);
      if (cfg.use_bias === false) throw damaged(`layer "${name}" has no bias`);
      const kernel = tensors.get(`${name}/kernel`);
      const bias = tensors.get(`${name}/bias`);
      const inDim = layers.at(-1)?.units ?? inputDim;
      const units = cfg.units;
      if (!kernel || !bias || typeof units !== 'number' || inDim === undefined) {
        throw damaged(`layer "${name}" has no kernel/bias`);
      }
      if (kernel.shape.join() !== `${inDim},${units}` || bias.shape.join() !== `${units}`) {
        throw damaged(
          `layer "${name}" has weights of shape [${kernel.shape}] / [${bias.shape}], not [${inDim},${units}]`,
        );
      }
      layers.push({ name, inputDim: inDim, units, kernel: toFloat32(kernel), bias: toFloat32(bias), activation: act });
    } else if (cls === 'Activation') {
      if (cfg.activation !== 'softmax') {
        throw damaged(`has an activation "${String(cfg.activation)}" (only softmax is supported)`);
      }
      softmax = true;
    } else {
      throw damaged(`has a layer of type ${String(cls)}, which this runtime does not run`);
    }
  }
  const last = layers.at(-1);
  if (!last || inputDim === undefined || !softmax) throw damaged('is not a dense classifier ending in softmax');
  return plainHead(inputDim, layers);
}

function plainHead(inputDim: number, layers: readonly PlainDense[]): PlainHead {
  const classes = layers.at(-1)!.units;
  const logits = (features: Float32Array): Float32Array => {
    if (features.length % inputDim !== 0) {
      throw new StorageError(`${features.length} features is not a multiple of the head's input size ${inputDim}`);
    }
    const n = features.length / inputDim;
    let x = features;
    for (const l of layers) {
      const y = new Float32Array(n * l.units);
      for (let r = 0; r < n; r++) {
        const xo = r * l.inputDim;
        const yo = r * l.units;
        for (let u = 0; u < l.units; u++) y[yo + u] = l.bias[u]!;
        for (let k = 0; k < l.inputDim; k++) {
          const xv = x[xo + k]!;
          if (xv === 0) continue;
          const ko = k * l.units;
          for (let u = 0; u < l.units; u++) y[yo + u]! += xv * l.kernel[ko + u]!;
        }
        if (l.activation === 'relu') for (let u = 0; u < l.units; u++) y[yo + u] = Math.max(0, y[yo + u]!);
      }
      x = y;
    }
    return x;
  };
  return {
    inputDim,
    classes,
    layers,
    logits,
    predict(features) {
      const z = logits(features);
      for (let o = 0; o < z.length; o += classes) softmaxInPlace(z, o, classes);
      return z;
    },
  };
}

/** Numerically stable softmax of z[o … o+C). */
function softmaxInPlace(z: Float32Array, o: number, C: number): void {
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, z[o + c]!);
  let sum = 0;
  for (let c = 0; c < C; c++) sum += z[o + c] = Math.exp(z[o + c]! - max);
  for (let c = 0; c < C; c++) z[o + c]! /= sum;
}
