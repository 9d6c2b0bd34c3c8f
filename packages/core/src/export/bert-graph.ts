/**
 * BertModel's forward as ONNX nodes, exactly as HF's BertModel computes it in eval mode: embeddings (word +
 * absolute position + token type, LayerNorm), then per layer self-attention with the additive padding mask
 * (float32 min where attention_mask = 0), output projection + residual + LayerNorm, feed-forward (gelu via Erf,
 * gelu_new via Tanh, or relu) + residual + LayerNorm. Weights come by their HF names with shape checks.
 */
import type { BertConfig } from '../config/types.ts';
import { ExportError } from '../errors.ts';
import { poolerWeights, requiredWeights, type WeightSpec } from '../encoder/weight-map.ts';
import { detectPrefix, takeWeight } from '../encoder/weight-map.ts';
import { toFloat32 } from '../weights/dtype.ts';
import type { TensorMap } from '../weights/types.ts';
import type { OnnxGraph } from './onnx-graph.ts';
import type { OnnxWeights } from './onnx-weights.ts';

/** HF's additive mask value (torch.finfo(float32).min): exp() of it is exactly 0 after max-subtraction. */
const MASK_MIN = -3.4028234663852886e38;

export interface BertGraphInputs {
  readonly inputIds: string;
  readonly attentionMask: string;
  readonly tokenTypeIds: string;
}

export interface BertGraphOutputs {
  /** [batch, seq, hidden] float32. */
  readonly lastHiddenState: string;
  /** The attention mask as float32 [batch, seq] (for mean pooling). */
  readonly maskFloat: string;
}

function transpose2d(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c]!;
  return out;
}

/** Reads the encoder's HF tensors (with or without "bert.", shape-checked) as float32. */
export class EncoderWeights {
  private readonly prefix: string;
  private readonly specs: Map<string, WeightSpec>;
  constructor(
    private readonly tensors: TensorMap,
    readonly config: BertConfig,
    private readonly where: string,
  ) {
    this.prefix = detectPrefix(tensors);
    this.specs = new Map([...requiredWeights(config), ...poolerWeights(config)].map((s) => [s.name, s]));
  }

  private spec(name: string): WeightSpec {
    const s = this.specs.get(name);
    if (!s) throw new ExportError(`BERT has no weight named ${name}`);
    return s;
  }

  has(name: string): boolean {
    return this.tensors.has(this.prefix + name);
  }

  /** Values in the checkpoint's layout. */
  get(name: string): Float32Array {
    return toFloat32(takeWeight(this.tensors, this.prefix, this.spec(name), this.where));
  }

  /** A Linear weight [out, in] transposed to [in, out] (x · W for MatMul). */
  linear(name: string): { values: Float32Array; rows: number; cols: number } {
    const [out, inp] = this.spec(name).shape as [number, number];
    return { values: transpose2d(this.get(name), out, inp), rows: inp, cols: out };
  }
}

export class BertGraph {
  constructor(
    private readonly g: OnnxGraph,
    private readonly w: OnnxWeights,
    private readonly enc: EncoderWeights,
  ) {}

  private get c(): BertConfig {
    return this.enc.config;
  }

  /** x · W + b for the HF Linear `name` (without ".weight"). */
  linear(x: string, name: string): string {
    const { values, rows, cols } = this.enc.linear(`${name}.weight`);
    const y = this.g.op('MatMul', [x, this.w.matrix(`bert.${name}.weight`, values, rows, cols)]);
    return this.g.op('Add', [y, this.w.vector(`bert.${name}.bias`, this.enc.get(`${name}.bias`))], {}, name);
  }

  private layerNorm(x: string, name: string): string {
    const g = this.g;
    const gamma = this.w.vector(`bert.${name}.weight`, this.enc.get(`${name}.weight`));
    const beta = this.w.vector(`bert.${name}.bias`, this.enc.get(`${name}.bias`));
    return g.op('LayerNormalization', [x, gamma, beta], { axis: -1, epsilon: { float: this.c.layerNormEps } }, name);
  }

  private activation(x: string): string {
    const g = this.g;
    const act = this.c.hiddenAct;
    if (act === 'relu') return g.op('Relu', [x]);
    const half = g.op('Mul', [x, g.float('half', 0.5)]);
    let inner: string;
    if (act === 'gelu') {
      inner = g.op('Erf', [g.op('Div', [x, g.float('sqrt2', Math.SQRT2)])]);
    } else {
      // gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
      const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
      const poly = g.op('Add', [x, g.op('Mul', [cube, g.float('gelu_c', 0.044715)])]);
      inner = g.op('Tanh', [g.op('Mul', [poly, g.float('sqrt_2_over_pi', Math.sqrt(2 / Math.PI))])]);
    }
    return g.op('Mul', [half, g.op('Add', [inner, g.float('one', 1)])], {}, 'gelu');
  }

  private embeddings(inputs: BertGraphInputs): string {
    const { g, w, enc, c } = { g: this.g, w: this.w, enc: this.enc, c: this.c };
    const H = c.hiddenSize;
    const word = w.gatherRows(
      'bert.embeddings.word_embeddings.weight',
      enc.get('embeddings.word_embeddings.weight'),
      c.vocabSize,
      H,
      inputs.inputIds,
    );
    const seqLen = g.op('Gather', [g.op('Shape', [inputs.inputIds]), g.int64s('one_i64', [1], [])], { axis: 0 });
    const positionIds = g.op('Range', [g.int64s('zero_i64', [0], []), seqLen, g.int64s('step_i64', [1], [])]);
    const position = w.gatherRows(
      'bert.embeddings.position_embeddings.weight',
      enc.get('embeddings.position_embeddings.weight'),
      c.maxPositionEmbeddings,
      H,
      positionIds,
      false,
    );
    const tokenType = w.gatherRows(
      'bert.embeddings.token_type_embeddings.weight',
      enc.get('embeddings.token_type_embeddings.weight'),
      c.typeVocabSize,
      H,
      inputs.tokenTypeIds,
      false,
    );
    const sum = g.op('Add', [g.op('Add', [word, tokenType]), position]);
    return this.layerNorm(sum, 'embeddings.LayerNorm');
  }

  private layer(x: string, i: number, maskBias: string): string {
    const g = this.g;
    const c = this.c;
    const heads = c.numAttentionHeads;
    const headDim = c.hiddenSize / heads;
    const p = `encoder.layer.${i}`;
    const split = g.int64s('split_heads_shape', [0, 0, heads, headDim]);
    const heads4 = (name: string, perm: number[]) =>
      g.op('Transpose', [g.op('Reshape', [this.linear(x, `${p}.attention.self.${name}`), split])], { perm });
    const q = heads4('query', [0, 2, 1, 3]);
    const k = heads4('key', [0, 2, 3, 1]);
    const v = heads4('value', [0, 2, 1, 3]);
    const scores = g.op('Div', [g.op('MatMul', [q, k]), g.float('sqrt_head_dim', Math.sqrt(headDim))]);
    const probs = g.op('Softmax', [g.op('Add', [scores, maskBias])], { axis: -1 });
    const ctx = g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] });
    const merged = g.op('Reshape', [ctx, g.int64s('merge_heads_shape', [0, 0, c.hiddenSize])]);
    const attn = this.linear(merged, `${p}.attention.output.dense`);
    const x1 = this.layerNorm(g.op('Add', [attn, x]), `${p}.attention.output.LayerNorm`);
    const inter = this.activation(this.linear(x1, `${p}.intermediate.dense`));
    const out = this.linear(inter, `${p}.output.dense`);
    return this.layerNorm(g.op('Add', [out, x1]), `${p}.output.LayerNorm`);
  }

  /** The whole BertModel encoder (no pooler). */
  build(inputs: BertGraphInputs): BertGraphOutputs {
    const g = this.g;
    if (this.c.positionEmbeddingType !== 'absolute') {
      throw new ExportError(
        `position_embedding_type ${this.c.positionEmbeddingType} cannot be exported`,
        'only absolute position embeddings are supported',
      );
    }
    const maskFloat = g.op('Cast', [inputs.attentionMask], { to: 1 }, 'mask_float');
    const ext = g.op('Unsqueeze', [maskFloat, g.int64s('mask_axes', [1, 2])]); // [B, 1, 1, S]
    const inverted = g.op('Sub', [g.float('one', 1), ext]);
    const maskBias = g.op('Mul', [inverted, g.float('mask_min', MASK_MIN)], {}, 'mask_bias');
    let x = this.embeddings(inputs);
    for (let i = 0; i < this.c.numHiddenLayers; i++) x = this.layer(x, i, maskBias);
    return { lastHiddenState: x, maskFloat };
  }

  /** BertPooler: tanh(dense(hidden[:, 0])). */
  pooler(cls: string): string {
    return this.g.op('Tanh', [this.linear(cls, 'pooler.dense')], {}, 'pooler_output');
  }
}
