/** The head as standard TF.js layers files: model.json (topology + weightsManifest) and one weights.bin. */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { StorageError } from '../errors.ts';
import { checkHeadArtifacts } from './head-check.ts';

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
  try {
    return await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology as tf.io.ModelJSON['modelTopology'],
        weightSpecs: specs,
        weightData: buffer,
      }),
    );
  } catch (e) {
    throw new StorageError(
      `TF.js cannot build the head from head/model.json (${(e as Error).message})`,
      'the bundle is damaged or from an incompatible version; save the classifier again',
      { cause: e },
    );
  }
}
