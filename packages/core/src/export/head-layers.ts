/**
 * The classification head's layers read straight from its TF.js layers files (head/model.json + weights.bin)
 * without TF.js: a chain of Dense layers (ReLU or linear) ending in softmax, the standardisation already folded
 * into the first one. Used by the exporters; a TF.js-free runtime can run the head from this alone.
 */
import { ExportError } from '../errors';
import { readTfjsWeights } from '../weights/tfjs';
import { toFloat32 } from '../weights/dtype';

export interface DenseLayer {
  readonly name: string;
  /** [inputs, units], row-major (TF.js layout: y = x · kernel + bias). */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly inputs: number;
  readonly units: number;
  readonly activation: 'relu' | 'linear';
}

export interface HeadLayers {
  /** Dense layers in order; the last one gives the logits. */
  readonly dense: readonly DenseLayer[];
  /** The activation applied to the logits to give probabilities. */
  readonly output: 'softmax';
  readonly inputDim: number;
  readonly numClasses: number;
}

interface LayerJson {
  class_name?: unknown;
  config?: { name?: unknown; units?: unknown; activation?: unknown; use_bias?: unknown; rate?: unknown };
}

function bad(message: string): never {
  throw new ExportError(
    `head/model.json: ${message}`,
    'the bundle is damaged or was not written by browser-bert; save the classifier again',
  );
}

/** Parses head/model.json + weights.bin; every layer kind other than Input/Dropout/Dense/softmax is refused. */
export function readHeadLayers(modelJson: Uint8Array, weightsBin: Uint8Array): HeadLayers {
  let json: { modelTopology?: { class_name?: unknown; config?: { layers?: unknown } } };
  try {
    json = JSON.parse(new TextDecoder().decode(modelJson)) as typeof json;
  } catch (e) {
    throw new ExportError('head/model.json is not valid JSON', 'the bundle is damaged; save the classifier again', {
      cause: e,
    });
  }
  const topo = json.modelTopology;
  if (!topo || topo.class_name !== 'Sequential' || !Array.isArray(topo.config?.layers)) {
    bad('expected a Sequential modelTopology with a layers list');
  }
  let tensors;
  try {
    tensors = readTfjsWeights(json, [weightsBin]).tensors;
  } catch (e) {
    throw new ExportError(
      `head/weights.bin does not match head/model.json (${(e as Error).message})`,
      'the bundle is damaged; save the classifier again',
      { cause: e },
    );
  }
  const dense: DenseLayer[] = [];
  let output: 'softmax' | undefined;
  for (const layer of topo.config.layers as LayerJson[]) {
    const kind = layer.class_name;
    const c = layer.config ?? {};
    if (output) bad(`layer ${String(c.name)} follows the softmax`);
    if (kind === 'InputLayer' || kind === 'Dropout') continue; // dropout is the identity at inference
    if (kind === 'Activation') {
      if (c.activation !== 'softmax') bad(`activation ${JSON.stringify(c.activation)} is not supported (softmax only)`);
      output = 'softmax';
      continue;
    }
    if (kind !== 'Dense') bad(`layer kind ${JSON.stringify(kind)} cannot be exported (Dense/Dropout/softmax only)`);
    const name = String(c.name);
    if (c.activation !== 'relu' && c.activation !== 'linear') {
      bad(`Dense layer ${name} has activation ${JSON.stringify(c.activation)} (relu or linear expected)`);
    }
    const k = tensors.get(`${name}/kernel`);
    const b = tensors.get(`${name}/bias`);
    if (!k || k.shape.length !== 2) bad(`no 2-D weight ${name}/kernel in weights.bin`);
    const [inputs, units] = k.shape as [number, number];
    if (c.use_bias === false || !b || b.shape.length !== 1 || b.shape[0] !== units) {
      bad(`Dense layer ${name} needs a bias of ${units} values`);
    }
    const prev = dense[dense.length - 1];
    if (prev && prev.units !== inputs)
      bad(`Dense layer ${name} takes ${inputs} inputs but ${prev.name} gives ${prev.units}`);
    dense.push({ name, kernel: toFloat32(k), bias: toFloat32(b), inputs, units, activation: c.activation });
  }
  const first = dense[0];
  const last = dense[dense.length - 1];
  if (!first || !last) bad('no Dense layer');
  if (!output) bad('the head does not end in a softmax');
  if (last.activation !== 'linear') bad(`the last Dense layer (${last.name}) must be linear (the logits)`);
  return { dense, output, inputDim: first.inputs, numClasses: last.units };
}
