/**
 * Checks a bundle's head/model.json against head/weights.bin BEFORE TF.js sees them: the manifest may name only the
 * bundle's own weights.bin (path policy, util/safe-name.ts), the weight specs must add up to exactly the bytes of
 * weights.bin, and the topology must be the Sequential head browser-bert writes (head/model.ts) whose parameters are
 * exactly those specs — so building it allocates no more than weights.bin holds, and a truncated or swapped file
 * gets one clear StorageError instead of TF.js's "the tensor should have N values but has M".
 */
import { isObject as isObj } from '../util/is-object.ts';
import { show, StorageError } from '../errors.ts';
import { checkRelativeName } from '../util/safe-name.ts';

export const HEAD_WEIGHTS_FILE = 'weights.bin';
const DAMAGED =
  'the classifier bundle is damaged (truncated, edited or mixed from two saves): save the classifier again, or copy the whole folder again';
const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };
const HEAD_LAYERS = new Set(['InputLayer', 'Dropout', 'Dense', 'Activation']);

export interface HeadWeightSpec {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32' | 'bool';
}

function damaged(message: string): never {
  throw new StorageError(`head/model.json: ${message}`, DAMAGED);
}

/** tfjs-core's valid tensor name (isValidTensorName), for the weight names of head/model.json. */
const TENSOR_NAME = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;
const dim = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;

function checkSpecs(manifest: unknown): HeadWeightSpec[] {
  if (!Array.isArray(manifest) || manifest.length !== 1 || !isObj(manifest[0]))
    damaged('"weightsManifest" is not one group of weights');
  const { paths, weights } = manifest[0];
  if (!Array.isArray(paths)) damaged('the weights group has no "paths"');
  for (const p of paths) checkRelativeName(p, 'head/model.json (weightsManifest paths)');
  if (paths.length !== 1 || paths[0] !== HEAD_WEIGHTS_FILE)
    throw new StorageError(
      `head/model.json names ${show(paths, 200)} as its weights; a bundle's head reads only its own head/${HEAD_WEIGHTS_FILE}`,
      DAMAGED,
    );
  if (!Array.isArray(weights) || weights.length === 0) damaged('the weights group lists no weights');
  const names = new Set<string>();
  return weights.map((w: unknown) => {
    if (!isObj(w) || typeof w.name !== 'string') damaged('a weight has no name');
    const { name, shape, dtype } = w;
    // TF.js decodes the weights into an object keyed by name: a repeated name or "__proto__" would lose a tensor
    // there (leaked); TF.js's own tensor-name rule refuses both, and every name a layer can give its weights passes.
    if (!TENSOR_NAME.test(name)) damaged(`weight name ${show(name)} is not a TF.js tensor name`);
    if (names.has(name)) damaged(`weight "${name}" is listed twice`);
    names.add(name);
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every(dim))
      damaged(`weight "${name}" has an invalid shape`);
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype) || 'quantization' in w)
      damaged(`weight "${name}" has dtype ${show(dtype)}; a head is saved as float32`);
    return { name, shape: shape as number[], dtype: dtype as HeadWeightSpec['dtype'] };
  });
}

/** Elements of the Sequential head's Dense kernels and biases, layer by layer, from the topology alone. */
function topologyElements(topology: unknown, limit: number): number {
  const seq = isObj(topology) && isObj(topology.model_config) ? topology.model_config : topology;
  const layers = isObj(seq) && seq.class_name === 'Sequential' && isObj(seq.config) ? seq.config.layers : undefined;
  if (!Array.isArray(layers) || layers.length === 0 || layers.length > 16)
    damaged('"modelTopology" is not the Sequential head browser-bert saves');
  let width: number | undefined;
  let total = 0;
  for (const layer of layers as unknown[]) {
    const cls = isObj(layer) ? layer.class_name : undefined;
    const cfg = isObj(layer) && isObj(layer.config) ? layer.config : undefined;
    if (typeof cls !== 'string' || !HEAD_LAYERS.has(cls) || !cfg)
      damaged(`"modelTopology" has a layer ${show(cls)}; a head has only ${[...HEAD_LAYERS].join(', ')}`);
    const shape = cfg.batch_input_shape;
    if (width === undefined) {
      if (!Array.isArray(shape) || shape.length !== 2 || shape[0] !== null || !dim(shape[1]) || shape[1] === 0)
        damaged('the head\'s first layer has no "batch_input_shape" [null, features]');
      width = shape[1] as number;
    } else if (shape !== undefined) damaged('"batch_input_shape" on a layer other than the first');
    if (cls === 'Dense') {
      const units = cfg.units;
      if (!dim(units) || units === 0) damaged('a Dense layer has no positive "units"');
      total += width * (units as number) + (cfg.use_bias === false ? 0 : (units as number));
      width = units as number;
      if (total > limit) damaged(`the layers hold more weights than head/${HEAD_WEIGHTS_FILE} can`);
    }
  }
  return total;
}

/**
 * The weight specs of head/model.json (parsed), checked against the size of head/weights.bin and the topology.
 * Throws UnsafePathError for a weights path outside the bundle and StorageError for anything inconsistent.
 */
export function checkHeadArtifacts(json: unknown, weightsBytes: number): HeadWeightSpec[] {
  if (!isObj(json)) damaged('not a JSON object');
  const specs = checkSpecs(json.weightsManifest);
  let elements = 0;
  let bytes = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, d) => a * d, 1);
    elements += n;
    bytes += n * DTYPE_BYTES[s.dtype]!;
  }
  if (bytes !== weightsBytes)
    throw new StorageError(
      `head/${HEAD_WEIGHTS_FILE} has ${weightsBytes} bytes but head/model.json describes ${Number.isSafeInteger(bytes) ? bytes : 'an impossible number of'} bytes of weights`,
      DAMAGED,
    );
  const implied = topologyElements(json.modelTopology, elements);
  if (implied !== elements) damaged(`its layers need ${implied} weights but its weightsManifest lists ${elements}`);
  return specs;
}
