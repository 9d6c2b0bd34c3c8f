/** BertModel forward in TF.js ops, with weights held as tf.Variables (frozen by default). */
import * as tf from '@tensorflow/tfjs-core';
// The encoder is differentiable (fine-tuning), so tfjs-core's gradient functions must be registered. tfjs-layers
// registers all of them on import, in Node (its CJS bundle) and in bundlers alike; tfjs-core's own
// dist/register_all_gradients cannot be imported from Node ESM (extensionless imports).
import '@tensorflow/tfjs-layers';
import { BrowserBertError, ConfigError, WeightsError, UsageError } from '../errors.ts';
import type { BertConfig } from '../config/types.ts';
import { shareableFloat32 } from '../util/shared-memory.ts';
import type { TensorMap } from '../weights/types.ts';
import type { BertEncoder, EncoderOutput, ForwardOptions, PaddedBatch } from './types.ts';
import { selfAttention } from './attention.ts';
import { FusedQkv } from './fused-qkv.ts';
import { EmbeddingLookup } from './embedding-lookup.ts';
import { activation, dense, layerNorm, maybeDropout, siteSeed } from './ops.ts';
import { checkBatch } from './check-batch.ts';
import { planEncoderWeights, weightValues } from './weight-values.ts';
import { WORD_EMBEDDINGS, type WeightSpec } from './weight-map.ts';

export interface CreateEncoderOptions {
  /** Compute dtype; only float32 is implemented (F16/BF16 checkpoints are widened on load). */
  dtype?: 'float32';
  /** Where the weights came from, for error messages (e.g. "model.safetensors"). */
  source?: string;
}

/**
 * Additive attention-mask value for padding (HF uses finfo(float32).min). −1e9 removes padded keys entirely;
 * a row with no real token at all gets uniform attention instead of NaN.
 */
const MASK_NEG = -1e9;

let instances = 0;

interface LayerWeights {
  readonly wq: tf.Variable<tf.Rank.R2>;
  readonly bq: tf.Variable<tf.Rank.R1>;
  readonly wk: tf.Variable<tf.Rank.R2>;
  readonly bk: tf.Variable<tf.Rank.R1>;
  readonly wv: tf.Variable<tf.Rank.R2>;
  readonly bv: tf.Variable<tf.Rank.R1>;
  readonly wo: tf.Variable<tf.Rank.R2>;
  readonly bo: tf.Variable<tf.Rank.R1>;
  readonly ln1g: tf.Variable<tf.Rank.R1>;
  readonly ln1b: tf.Variable<tf.Rank.R1>;
  readonly wi: tf.Variable<tf.Rank.R2>;
  readonly bi: tf.Variable<tf.Rank.R1>;
  readonly wout: tf.Variable<tf.Rank.R2>;
  readonly bout: tf.Variable<tf.Rank.R1>;
  readonly ln2g: tf.Variable<tf.Rank.R1>;
  readonly ln2b: tf.Variable<tf.Rank.R1>;
}

/**
 * Builds a BertModel from HF tensors (with or without the "bert." prefix; cls.*, classifier.* … ignored).
 * Every required tensor is checked for presence and shape before any tensor is allocated.
 */
export function createBertEncoder(
  config: BertConfig,
  weights: TensorMap,
  options: CreateEncoderOptions = {},
): BertEncoder {
  if ((options.dtype ?? 'float32') !== 'float32') {
    throw new ConfigError(`Encoder dtype ${JSON.stringify(options.dtype)} is not supported (supported: float32)`);
  }
  const id = ++instances;
  const made = createVariables(config, weights, options.source ?? 'the checkpoint', id);
  return buildEncoder(config, made);
}

/**
 * A copy of an encoder that shares its weights' storage until one of the two changes a weight (a tf.Variable made
 * from a tensor shares its data, and assign() gives it new data), and shares the word table, which no training
 * changes: fine-tuning the copy never changes the source, and it holds no second copy of the weights until trained
 * (its TF.js forward does build its own fused QKV matrices, as every encoder does).
 */
export function copyBertEncoder(source: BertEncoder): BertEncoder {
  if (source.wordEmbeddings === undefined) {
    throw new UsageError('This encoder has no weights as values (a graph model), so it cannot be copied');
  }
  const id = ++instances;
  const copies = new Map<tf.Variable, tf.Variable>();
  const variables = new Map<string, tf.Variable>();
  try {
    for (const [name, v] of source.variables) {
      const c = tf.variable(v, false, `bert${id}/${name}`);
      copies.set(v, c);
      variables.set(name, c);
    }
  } catch (e) {
    for (const c of copies.values()) c.dispose();
    throw e;
  }
  const byLayer = Array.from({ length: source.config.numHiddenLayers }, (_, l) =>
    source.layerVariables(l).map((v) => copies.get(v)!),
  );
  return buildEncoder(source.config, {
    variables,
    byLayer,
    hasPooler: source.hasPooler,
    wordTable: source.wordEmbeddings,
  });
}

interface EncoderWeights {
  readonly variables: Map<string, tf.Variable>;
  readonly byLayer: tf.Variable[][];
  readonly hasPooler: boolean;
  readonly wordTable: Float32Array;
}

/**
 * Checks and uploads the weights. A function of its own so that nothing the encoder's closures keep can reach the
 * checkpoint's tensors (views into the file's bytes): the file is freed once the variables exist.
 */
function createVariables(config: BertConfig, weights: TensorMap, where: string, id: number): EncoderWeights {
  const { specs, raws, hasPooler } = planEncoderWeights(config, weights, where);
  const variables = new Map<string, tf.Variable>();
  const byLayer: tf.Variable[][] = Array.from({ length: config.numHiddenLayers }, () => []);
  let wordTable: Float32Array | undefined;
  try {
    specs.forEach((spec: WeightSpec, k) => {
      const { values, shape } = weightValues(spec, raws[k]!, (name, n) =>
        name === WORD_EMBEDDINGS ? shareableFloat32(n) : undefined,
      );
      if (spec.name === WORD_EMBEDDINGS) {
        wordTable = values; // written straight into shared memory where it can be: one copy
        return;
      }
      const init = tf.tensor(values, shape, 'float32');
      const v = tf.variable(init, false, `bert${id}/${spec.name}`);
      init.dispose();
      variables.set(spec.name, v);
      if (spec.layer >= 0) byLayer[spec.layer]!.push(v);
    });
  } catch (e) {
    for (const v of variables.values()) v.dispose();
    if (e instanceof BrowserBertError) throw e;
    throw new WeightsError(`Could not load the encoder weights from ${where}: ${(e as Error).message}`, '', {
      cause: e,
    });
  }
  return { variables, byLayer, hasPooler, wordTable: wordTable! };
}

function buildEncoder(config: BertConfig, weights: EncoderWeights): BertEncoder {
  const { variables, byLayer, hasPooler, wordTable } = weights;
  const get1 = (n: string): tf.Variable<tf.Rank.R1> => variables.get(n) as tf.Variable<tf.Rank.R1>;
  const get2 = (n: string): tf.Variable<tf.Rank.R2> => variables.get(n) as tf.Variable<tf.Rank.R2>;
  const layers: LayerWeights[] = [];
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const p = `encoder.layer.${i}.`;
    layers.push({
      wq: get2(`${p}attention.self.query.weight`),
      bq: get1(`${p}attention.self.query.bias`),
      wk: get2(`${p}attention.self.key.weight`),
      bk: get1(`${p}attention.self.key.bias`),
      wv: get2(`${p}attention.self.value.weight`),
      bv: get1(`${p}attention.self.value.bias`),
      wo: get2(`${p}attention.output.dense.weight`),
      bo: get1(`${p}attention.output.dense.bias`),
      ln1g: get1(`${p}attention.output.LayerNorm.weight`),
      ln1b: get1(`${p}attention.output.LayerNorm.bias`),
      wi: get2(`${p}intermediate.dense.weight`),
      bi: get1(`${p}intermediate.dense.bias`),
      wout: get2(`${p}output.dense.weight`),
      bout: get1(`${p}output.dense.bias`),
      ln2g: get1(`${p}output.LayerNorm.weight`),
      ln2b: get1(`${p}output.LayerNorm.bias`),
    });
  }
  const lookup = new EmbeddingLookup(
    wordTable,
    {
      position: variables.get('embeddings.position_embeddings.weight')!,
      tokenType: variables.get('embeddings.token_type_embeddings.weight')!,
    },
    config.hiddenSize,
  );
  const posEmb = get2('embeddings.position_embeddings.weight');
  const typeEmb = get2('embeddings.token_type_embeddings.weight');
  const embLnG = get1('embeddings.LayerNorm.weight');
  const embLnB = get1('embeddings.LayerNorm.bias');

  const H = config.hiddenSize;
  const nH = config.numAttentionHeads;
  const dH = H / nH;
  // Fused QKV per layer ([H, 3H]), the 1/√dH score scale folded into the query part.
  const fusedQkv = layers.map((L) => new FusedQkv(L, 1 / Math.sqrt(dH)));
  const eps = config.layerNormEps;
  let disposed = false;

  function embed(batch: PaddedBatch): tf.Tensor2D {
    const { batchSize: B, seqLen: S } = batch;
    // Frozen tables: the whole embedding sum in JS, one upload.
    if (lookup.canSum) return layerNorm(lookup.sum(batch.inputIds, batch.tokenTypeIds, S), embLnG, embLnB, eps);
    // Trainable position/type tables: word rows from JS (off the gradient path: wasm has no gather gradient),
    // position rows as a slice and token types as a one-hot product, both differentiable.
    const words = lookup.words(batch.inputIds);
    const pos = tf.slice(posEmb, [0, 0], [S, H]);
    let x = tf.add(tf.reshape(words, [B, S, H]), pos);
    // One-hot built in JS: tf.oneHot with a float dtype returns zeros on tfjs-backend-wasm 4.22.
    const T = config.typeVocabSize;
    const oneHot = new Float32Array(B * S * T);
    batch.tokenTypeIds.forEach((t, i) => (oneHot[i * T + t] = 1));
    x = tf.add(x, tf.reshape(tf.matMul(tf.tensor2d(oneHot, [B * S, T]), typeEmb), [B, S, H]));
    return layerNorm(tf.reshape(x, [B * S, H]), embLnG, embLnB, eps);
  }

  function forward(batch: PaddedBatch, opts: ForwardOptions = {}): EncoderOutput {
    if (disposed) throw new UsageError('This encoder was disposed', 'load the model again');
    if (opts.pooler === true && !hasPooler) {
      throw new UsageError(
        'This checkpoint has no pooler weights (pooler.dense.*), so pooling "pooler" is not available',
        'use pooling "cls" or "mean" instead',
      );
    }
    checkBatch(batch, config);
    const { batchSize: B, seqLen: S } = batch;
    const training = opts.training === true;
    const hDrop = training ? (config.hiddenDropoutProb ?? 0.1) : 0;
    const aDrop = training ? (config.attentionProbsDropoutProb ?? 0.1) : 0;
    let site = 0;
    const shape = { batch: B, seq: S, heads: nH, headDim: dH };

    return tf.tidy(() => {
      // No mask at all when the batch has no padding (common with length buckets): one kernel less per layer.
      const padded = batch.attentionMask.some((m) => m === 0);
      const maskValues = new Float32Array(B * S);
      for (let i = 0; i < B * S; i++) maskValues[i] = batch.attentionMask[i] ? 0 : MASK_NEG;
      const additiveMask = padded ? tf.tensor4d(maskValues, [B, 1, 1, S]) : undefined;

      let x = maybeDropout(embed(batch), hDrop, siteSeed(opts.seed, site++));
      // In inference each block gets its own tidy, so a layer's temporaries are freed before the next layer runs
      // (peak memory of a 4,096-token bert-tiny batch 282 → 110 MB, bench/FINDINGS.md F5). While training the
      // gradient tape needs them, so they live until the outer tidy.
      const block = <T extends tf.Tensor>(f: () => T): T => (training ? f() : tf.tidy(f));
      layers.forEach((L, i) => {
        const { w, b } = fusedQkv[i]!.get();
        const h = x;
        x = block(() => {
          const qkv = dense(h, w, b); // [B·S, 3H]
          const ctx = selfAttention(qkv, additiveMask, shape, aDrop, siteSeed(opts.seed, site++));
          const attn = maybeDropout(dense(ctx, L.wo, L.bo), hDrop, siteSeed(opts.seed, site++));
          return layerNorm(tf.add(attn, h), L.ln1g, L.ln1b, eps);
        });
        const h2 = x;
        x = block(() => {
          const inter = activation(dense(h2, L.wi, L.bi), config.hiddenAct);
          const out = maybeDropout(dense(inter, L.wout, L.bout), hDrop, siteSeed(opts.seed, site++));
          return layerNorm(tf.add(out, h2), L.ln2g, L.ln2b, eps);
        });
      });
      const lastHiddenState = tf.reshape(x, [B, S, H]) as tf.Tensor3D;
      let poolerOutput: tf.Tensor2D | undefined;
      if (opts.pooler === true) {
        const first = tf.reshape(tf.slice(lastHiddenState, [0, 0, 0], [B, 1, H]), [B, H]);
        poolerOutput = tf.tanh(dense(first, get2('pooler.dense.weight'), get1('pooler.dense.bias')));
      }
      return { lastHiddenState, poolerOutput };
    });
  }

  return {
    config,
    hasPooler,
    forward,
    variables,
    wordEmbeddings: wordTable,
    layerVariables(layer: number): tf.Variable[] {
      const vs = byLayer[layer];
      if (vs === undefined) {
        throw new UsageError(`Layer ${layer} does not exist; this encoder has layers 0…${config.numHiddenLayers - 1}`);
      }
      return [...vs];
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      for (const f of fusedQkv) f.dispose();
      for (const v of variables.values()) v.dispose();
    },
  };
}
