/** The head as standard TF.js layers files: model.json (topology + weightsManifest) and one weights.bin. */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { StorageError } from '../errors.ts';
import { checkHeadArtifacts } from './head-check.ts';
import { isObject as isObj } from '../util/is-object.ts';

export async function headToFiles(head: tfl.LayersModel): Promise<{ modelJson: Uint8Array; weights: Uint8Array }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await head.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new StorageError('Saving the head produced no weights');
  const data = artifacts.weightData;
  const weights = new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
  };
  return { modelJson: new TextEncoder().encode(JSON.stringify(modelJson)), weights };
}

export async function headFromFiles(modelJson: Uint8Array, weights: Uint8Array): Promise<tfl.LayersModel> {
  let json: { modelTopology?: unknown };
  try {
    json = JSON.parse(new TextDecoder().decode(modelJson)) as typeof json;
  } catch (e) {
    throw new StorageError('head/model.json is not valid JSON', 'the bundle is damaged; save the classifier again', {
      cause: e,
    });
  }
  const specs = checkHeadArtifacts(json, weights.byteLength); // sizes, paths and layers checked before TF.js
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const failed = (e: unknown) =>
    new StorageError(
      `TF.js cannot build the head from head/model.json (${(e as Error).message})`,
      'the bundle is damaged or from an incompatible version; save the classifier again',
      { cause: e },
    );
  // Not tfl.loadLayersModel: when a damaged file fails half-way it leaves the decoded weights and the layers built
  // so far allocated. The model is built here, its weights loaded from tensors this function disposes either way.
  let model: tfl.LayersModel;
  try {
    model = await buildTopology(withZeroInitializers(json.modelTopology));
  } catch (e) {
    throw failed(e);
  }
  try {
    const named = tf.io.decodeWeights(buffer, specs);
    try {
      model.loadWeights(named, true);
    } finally {
      tf.dispose(Object.values(named));
    }
    return model;
  } catch (e) {
    model.dispose();
    throw failed(e);
  }
}

/**
 * Every weight is then loaded from the file (strictly: all of them), so the initializers never matter; zeros, so a
 * damaged one never runs (a VarianceScaling with a NaN scale makes truncatedNormal loop forever). A loaded head
 * saved again therefore says Zeros where it said glorotUniform: nothing reads them (inference, the exports).
 */
function withZeroInitializers(topology: unknown): unknown {
  const zeros = (layer: unknown): unknown => {
    if (!isObj(layer) || !isObj(layer.config)) return layer;
    const config = Object.fromEntries(
      Object.entries(layer.config).map(([k, v]) => [
        k,
        k.endsWith('_initializer') ? { class_name: 'Zeros', config: {} } : v,
      ]),
    );
    return { ...layer, config };
  };
  const seqOf = (t: Record<string, unknown>) => {
    const c = t.config;
    return isObj(c) && Array.isArray(c.layers) ? { ...t, config: { ...c, layers: c.layers.map(zeros) } } : t;
  };
  if (!isObj(topology)) return topology;
  return isObj(topology.model_config) ? { ...topology, model_config: seqOf(topology.model_config) } : seqOf(topology);
}

/**
 * tfl.models.modelFromJSON without a weights manifest builds the model synchronously, inside the call (its first
 * await comes after): the tensors and variables made during the call are exactly the ones it made, with no other
 * code running meanwhile, and are freed if it fails half-way.
 */
async function buildTopology(topology: unknown): Promise<tfl.LayersModel> {
  const engine = tf.engine();
  const before = new Set(Object.keys(engine.registeredVariables));
  let pending: Promise<tfl.LayersModel>;
  engine.startScope(); // frees plain tensors left behind (an initial value whose variable name was refused)
  try {
    pending = tfl.models.modelFromJSON({ modelTopology: topology as tf.io.ModelJSON['modelTopology'] });
  } finally {
    engine.endScope(); // (variables are not scoped: a built model keeps its own)
  }
  const created = Object.entries(engine.registeredVariables).flatMap(([name, v]) => (before.has(name) ? [] : [v]));
  try {
    return await pending;
  } catch (e) {
    tf.dispose(created);
    throw e;
  }
}
