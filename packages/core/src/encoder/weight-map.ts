/**
 * Explicit map from HF BertModel tensor names to the encoder's weights, with the shape each must have
 * according to config.json (like tfjs-layers' weight loading: every key checked, errors name key/expected/actual).
 */
import { MissingWeightError, ShapeMismatchError } from '../errors.ts';
import type { BertConfig } from '../config/types.ts';
import type { RawTensor, TensorInfo } from '../weights/types.ts';

/** How a tensor is stored in the encoder: as in the file, or transposed ([out, in] Linear → [in, out]). */
export type Layout = 'as-is' | 'linear';

export interface WeightSpec {
  /** Canonical HF name without the "bert." prefix, e.g. "encoder.layer.0.attention.self.query.weight". */
  readonly name: string;
  /** Shape in the checkpoint (PyTorch layout). */
  readonly shape: readonly number[];
  readonly layout: Layout;
  /** Encoder layer index, or -1 for embeddings / pooler. */
  readonly layer: number;
}

/** The word-embedding table: the one weight that is never a tf.Variable (BertEncoder.wordEmbeddings). */
export const WORD_EMBEDDINGS = 'embeddings.word_embeddings.weight';

/** Every tensor a BertModel forward needs (pooler excluded), in checkpoint order. */
export function requiredWeights(c: BertConfig): WeightSpec[] {
  const H = c.hiddenSize;
  const I = c.intermediateSize;
  const specs: WeightSpec[] = [
    { name: WORD_EMBEDDINGS, shape: [c.vocabSize, H], layout: 'as-is', layer: -1 },
    { name: 'embeddings.position_embeddings.weight', shape: [c.maxPositionEmbeddings, H], layout: 'as-is', layer: -1 },
    { name: 'embeddings.token_type_embeddings.weight', shape: [c.typeVocabSize, H], layout: 'as-is', layer: -1 },
    { name: 'embeddings.LayerNorm.weight', shape: [H], layout: 'as-is', layer: -1 },
    { name: 'embeddings.LayerNorm.bias', shape: [H], layout: 'as-is', layer: -1 },
  ];
  for (let i = 0; i < c.numHiddenLayers; i++) {
    const p = `encoder.layer.${i}.`;
    const lin = (name: string, out: number, inp: number): void => {
      specs.push({ name: `${p}${name}.weight`, shape: [out, inp], layout: 'linear', layer: i });
      specs.push({ name: `${p}${name}.bias`, shape: [out], layout: 'as-is', layer: i });
    };
    const ln = (name: string): void => {
      specs.push({ name: `${p}${name}.weight`, shape: [H], layout: 'as-is', layer: i });
      specs.push({ name: `${p}${name}.bias`, shape: [H], layout: 'as-is', layer: i });
    };
    lin('attention.self.query', H, H);
    lin('attention.self.key', H, H);
    lin('attention.self.value', H, H);
    lin('attention.output.dense', H, H);
    ln('attention.output.LayerNorm');
    lin('intermediate.dense', I, H);
    lin('output.dense', H, I);
    ln('output.LayerNorm');
  }
  return specs;
}

export function poolerWeights(c: BertConfig): WeightSpec[] {
  const H = c.hiddenSize;
  return [
    { name: 'pooler.dense.weight', shape: [H, H], layout: 'linear', layer: -1 },
    { name: 'pooler.dense.bias', shape: [H], layout: 'as-is', layer: -1 },
  ];
}

/** Model-class prefixes HF puts before BertModel's names (BertForMaskedLM, BertForSequenceClassification …). */
const PREFIXES = ['', 'bert.'];

/** The prefix this checkpoint uses ('' or 'bert.'), judged by its word embeddings. */
export function detectPrefix(weights: ReadonlyMap<string, unknown>): string {
  for (const p of PREFIXES) if (weights.has(`${p}${WORD_EMBEDDINGS}`)) return p;
  return '';
}

/** Old (TF-converted) checkpoints name LayerNorm parameters gamma/beta; HF renames them on load, so do we. */
function legacyName(name: string): string | undefined {
  if (name.endsWith('LayerNorm.weight')) return name.slice(0, -'weight'.length) + 'gamma';
  if (name.endsWith('LayerNorm.bias')) return name.slice(0, -'bias'.length) + 'beta';
  return undefined;
}

/** Finds a tensor by canonical name (with the checkpoint's prefix) or returns undefined. */
export function findWeight<T = RawTensor>(
  weights: ReadonlyMap<string, T>,
  prefix: string,
  name: string,
): T | undefined {
  const t = weights.get(prefix + name);
  if (t !== undefined) return t;
  const legacy = legacyName(name);
  return legacy === undefined ? undefined : weights.get(prefix + legacy);
}

/** Like findWeight, but the tensor must exist and have the spec's shape. */
export function takeWeight<T extends TensorInfo = RawTensor>(
  weights: ReadonlyMap<string, T>,
  prefix: string,
  spec: WeightSpec,
  where: string,
): T {
  const t = findWeight(weights, prefix, spec.name);
  if (t === undefined) throw new MissingWeightError(prefix + spec.name, where);
  const same = t.shape.length === spec.shape.length && t.shape.every((d, i) => d === spec.shape[i]);
  if (!same) throw new ShapeMismatchError(prefix + spec.name, spec.shape, t.shape);
  return t;
}
