/**
 * The tutorial's own export as an encoder: a TF.js graph model written by tensorflowjs_converter from a TF BERT
 * SavedModel, with inputs input_ids, token_type_ids, attention_mask and a [batch, seq, hidden] output
 * (last_hidden_state). Frozen only: a graph model has no variables to fine-tune. Limits: the graph must run
 * synchronously (model.execute; graphs with control-flow ops need executeAsync and are rejected on first use),
 * and a graph exported with a fixed sequence length only accepts batches padded to that length.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { ConfigError, WeightsError, UsageError } from '../errors.ts';
import type { BertConfig } from '../config/types.ts';
import type { BertEncoder, EncoderOutput, ForwardOptions, PaddedBatch } from './types.ts';

export interface GraphModelFiles {
  /** Parsed model.json (format "graph-model", with modelTopology and weightsManifest). */
  readonly modelJson: unknown;
  /** The weight shards, in weightsManifest order (paths of group 1, then group 2 …). */
  readonly shards: readonly ArrayBuffer[];
}

export interface GraphModelEncoderOptions {
  /** config.json of the model, when it came with one; otherwise the hidden size is read from the output shape. */
  config?: BertConfig;
  /** Output to use as last_hidden_state (signature key or node name); default: the signature's last_hidden_state. */
  outputName?: string;
}

const INPUTS = ['input_ids', 'token_type_ids', 'attention_mask'] as const;

interface SignatureEntry {
  name?: string;
  tensorShape?: { dim?: Array<{ size?: string | number }> };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const stripPort = (n: string): string => n.replace(/:\d+$/, '');

/** Loads a graph model from memory and wraps it as a (frozen) BertEncoder. */
export async function createGraphModelEncoder(
  files: GraphModelFiles,
  options: GraphModelEncoderOptions = {},
): Promise<BertEncoder> {
  const json = files.modelJson;
  if (!isRecord(json) || !isRecord(json.modelTopology) || !Array.isArray(json.weightsManifest)) {
    throw new WeightsError(
      'model.json is not a TF.js graph model (needs modelTopology and weightsManifest)',
      'export the model with tensorflowjs_converter --output_format=tfjs_graph_model',
    );
  }
  if (json.format !== undefined && json.format !== 'graph-model') {
    throw new WeightsError(
      `model.json has format "${String(json.format)}", expected "graph-model"`,
      'a layers-model (Keras) export is not a BERT encoder graph; convert the SavedModel as a graph model',
    );
  }
  const manifest = json.weightsManifest as Array<{ weights?: unknown[] }>;
  const weightSpecs = manifest.flatMap((g) =>
    Array.isArray(g.weights) ? g.weights : [],
  ) as tf.io.WeightsManifestEntry[];
  const total = files.shards.reduce((n, s) => n + s.byteLength, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const s of files.shards) {
    weightData.set(new Uint8Array(s), off);
    off += s.byteLength;
  }
  let model: GraphModel;
  try {
    // Loaded on demand: only users of the tutorial's export pay for tfjs-converter.
    const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
    model = await loadGraphModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs,
        weightData: weightData.buffer,
        format: 'graph-model',
        signature: isRecord(json.signature) ? json.signature : undefined,
        userDefinedMetadata: isRecord(json.userDefinedMetadata) ? json.userDefinedMetadata : undefined,
      } as tf.io.ModelArtifacts),
    );
  } catch (e) {
    throw new WeightsError(`Could not load the TF.js graph model: ${(e as Error).message}`, '', { cause: e });
  }

  try {
    return wrap(model, json, options);
  } catch (e) {
    model.dispose();
    throw e;
  }
}

function wrap(model: GraphModel, json: Record<string, unknown>, options: GraphModelEncoderOptions): BertEncoder {
  // Inputs: by name, with or without the ":0" port.
  const inputNames = new Map(model.inputs.map((i) => [stripPort(i.name), i.name]));
  const missing = INPUTS.filter((n) => !inputNames.has(n));
  if (missing.length > 0) {
    throw new ConfigError(
      `The graph model's inputs are [${[...inputNames.keys()].join(', ')}]; a BERT encoder needs ` +
        `${INPUTS.join(', ')} (missing: ${missing.join(', ')})`,
      'export the BERT SavedModel with tensorflowjs_converter so that its serving signature keeps these input names',
    );
  }
  // Outputs: the signature names them (last_hidden_state, pooler_output → node names).
  const sig = isRecord(json.signature) && isRecord(json.signature.outputs) ? json.signature.outputs : {};
  const sigOutputs = new Map(
    Object.entries(sig as Record<string, SignatureEntry>).map(([k, v]) => [
      k,
      { node: v.name ?? k, shape: v.tensorShape },
    ]),
  );
  const want = options.outputName ?? 'last_hidden_state';
  const lastOut =
    sigOutputs.get(want) ??
    [...sigOutputs.values()].find((o) => o.node === want || stripPort(o.node) === want) ??
    (model.outputs.length === 1 && options.outputName === undefined
      ? { node: model.outputs[0]!.name, shape: undefined }
      : undefined);
  if (lastOut === undefined) {
    throw new ConfigError(
      `The graph model has no output "${want}" (outputs: ${[...sigOutputs.keys(), ...model.outputs.map((o) => o.name)].join(', ')})`,
      'pass outputName with the output that holds last_hidden_state [batch, seq, hidden]',
    );
  }
  const lastNode = lastOut.node;
  const poolerOut = sigOutputs.get('pooler_output');
  const dims = (lastOut.shape?.dim ?? []).map((d) => Number(d.size));
  const hidden = options.config?.hiddenSize ?? (dims.length === 3 && dims[2]! > 0 ? dims[2]! : undefined);
  if (hidden === undefined) {
    throw new ConfigError(
      'Cannot tell the hidden size of this graph model (its signature gives no output shape)',
      'pass the model config (config.json) with the graph model',
    );
  }
  const fixedSeq = dims.length === 3 && dims[1]! > 0 ? dims[1]! : undefined;
  const config: BertConfig = options.config ?? {
    modelType: 'bert',
    vocabSize: 0,
    hiddenSize: hidden,
    numHiddenLayers: 0,
    numAttentionHeads: 1,
    intermediateSize: 0,
    hiddenAct: 'gelu',
    layerNormEps: 1e-12,
    maxPositionEmbeddings: fixedSeq ?? 512,
    typeVocabSize: 2,
    padTokenId: 0,
    positionEmbeddingType: 'absolute',
  };
  let disposed = false;

  function forward(batch: PaddedBatch, opts: ForwardOptions = {}): EncoderOutput {
    if (disposed) throw new UsageError('This encoder was disposed', 'load the model again');
    if (opts.training === true) {
      throw new UsageError(
        'A TF.js graph model is frozen and cannot be fine-tuned',
        'load the HF checkpoint (safetensors / pytorch_model.bin) to fine-tune, or train with --fine-tune-layers 0',
      );
    }
    if (opts.pooler === true && poolerOut === undefined) {
      throw new UsageError('This graph model has no pooler_output', 'use pooling "cls" or "mean"');
    }
    const { batchSize: B, seqLen: S } = batch;
    if (fixedSeq !== undefined && S !== fixedSeq) {
      throw new UsageError(
        `This graph model was exported for sequences of exactly ${fixedSeq} tokens, got ${S}`,
        `pad to ${fixedSeq} (it cannot use dynamic padding)`,
      );
    }
    return tf.tidy(() => {
      const feeds: tf.NamedTensorMap = {
        [inputNames.get('input_ids')!]: tf.tensor2d(batch.inputIds, [B, S], 'int32'),
        [inputNames.get('token_type_ids')!]: tf.tensor2d(batch.tokenTypeIds, [B, S], 'int32'),
        [inputNames.get('attention_mask')!]: tf.tensor2d(batch.attentionMask, [B, S], 'int32'),
      };
      const names = opts.pooler === true ? [lastNode, poolerOut!.node] : [lastNode];
      let outs: tf.Tensor[];
      try {
        const r = model.execute(feeds, names);
        outs = Array.isArray(r) ? r : [r];
      } catch (e) {
        throw new UsageError(`The graph model failed to run: ${(e as Error).message}`, '', {
          cause: e,
        });
      }
      const last = tf.cast(outs[0]!, 'float32');
      if (last.rank !== 3 || last.shape[0] !== B || last.shape[1] !== S || last.shape[2] !== hidden) {
        throw new UsageError(
          `The graph model's output has shape [${last.shape.join(', ')}], expected [${B}, ${S}, ${hidden}] (last_hidden_state)`,
          'pass outputName with the output that holds last_hidden_state',
        );
      }
      return {
        lastHiddenState: last as tf.Tensor3D,
        poolerOutput: opts.pooler === true ? (tf.cast(outs[1]!, 'float32') as tf.Tensor2D) : undefined,
      };
    });
  }

  return {
    config,
    hasPooler: poolerOut !== undefined,
    forward,
    variables: new Map(),
    layerVariables(): tf.Variable[] {
      throw new UsageError('A TF.js graph model has no trainable layers', 'use --fine-tune-layers 0');
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
}
