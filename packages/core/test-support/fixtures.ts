/**
 * Test tooling: writes random-init BERT checkpoints in exact HuggingFace layout (config.json, vocab.txt,
 * tokenizer_config.json, model.safetensors and/or pytorch_model.bin). The weights are random — every file is
 * marked ("browser_bert_fixture": "random-init" in config.json and in the safetensors __metadata__) so nothing
 * built on them is ever mistaken for BERT quality.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { floatTensor } from '../src/weights/dtype';
import { writeSafetensors } from '../src/weights/safetensors';
import { writeTorchLegacy, writeTorchZip } from '../src/weights/torch-writer';
import type { RawTensor, TensorMap } from '../src/weights/types';
import { sharedPath } from './shared';
import { mulberry32 } from '../src/util/random';
import { RANDOM_INIT_VALUE } from '../src/vocabulary';

/** The marker value fixtures carry (the library's own constant: fixtures are labelled the way the library reads them). */
export const FIXTURE_MARKER = RANDOM_INIT_VALUE;

export interface BertShape {
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly intermediate: number;
  /** Default 30522 (the bert-base-uncased vocab); smaller values keep the first N lines of vocab.txt. */
  readonly vocab?: number;
  readonly maxPositions?: number;
  readonly typeVocab?: number;
}

export const SHAPES = {
  /** google/bert_uncased_L-2_H-128_A-2 */
  'bert-tiny': { hidden: 128, layers: 2, heads: 2, intermediate: 512 },
  /** sentence-transformers/all-MiniLM-L6-v2-like */
  minilm: { hidden: 384, layers: 6, heads: 12, intermediate: 1536 },
} as const satisfies Record<string, BertShape>;

export type WeightFormat = 'safetensors' | 'safetensors-sharded' | 'bin' | 'bin-legacy';

export interface FixtureOptions {
  readonly shape: keyof typeof SHAPES | BertShape;
  readonly dtype?: 'float32' | 'float16';
  /** Default ['safetensors']. 'safetensors-sharded' writes 2 shards + model.safetensors.index.json. */
  readonly formats?: readonly WeightFormat[];
  /** Prefix every encoder tensor with "bert." (BertFor* checkpoints). Default false. */
  readonly prefix?: boolean;
  /** Extra task-head tensors a loader must ignore: 'mlm' (cls.predictions.*) or 'classifier'. Default none. */
  readonly head?: 'none' | 'mlm' | 'classifier';
  readonly seed?: number;
  /** Default true (BertModel has a pooler; BertForMaskedLM has none). */
  readonly withPooler?: boolean;
  readonly hiddenAct?: 'gelu' | 'gelu_new' | 'relu';
}

export interface Fixture {
  readonly dir: string;
  readonly config: Record<string, unknown>;
  /** The tensors as written (in the requested dtype). */
  readonly tensors: TensorMap;
  readonly files: string[];
}

function gaussian(rand: () => number): () => number {
  return () => {
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export function resolveShape(shape: FixtureOptions['shape']): Required<BertShape> {
  const s: BertShape = typeof shape === 'string' ? SHAPES[shape] : shape;
  if (!SHAPES[shape as keyof typeof SHAPES] && typeof shape === 'string') throw new Error(`unknown shape ${shape}`);
  if (s.hidden % s.heads !== 0) throw new Error(`hidden ${s.hidden} is not a multiple of heads ${s.heads}`);
  return { vocab: 30522, maxPositions: 512, typeVocab: 2, ...s };
}

/** config.json as HF writes it for the given shape, with the random-init marker. */
export function fixtureConfig(options: FixtureOptions): Record<string, unknown> {
  const s = resolveShape(options.shape);
  const arch =
    options.head === 'mlm'
      ? 'BertForMaskedLM'
      : options.head === 'classifier'
        ? 'BertForSequenceClassification'
        : 'BertModel';
  return {
    architectures: [arch],
    attention_probs_dropout_prob: 0.1,
    browser_bert_fixture: FIXTURE_MARKER,
    classifier_dropout: null,
    hidden_act: options.hiddenAct ?? 'gelu',
    hidden_dropout_prob: 0.1,
    hidden_size: s.hidden,
    initializer_range: 0.02,
    intermediate_size: s.intermediate,
    layer_norm_eps: 1e-12,
    max_position_embeddings: s.maxPositions,
    model_type: 'bert',
    num_attention_heads: s.heads,
    num_hidden_layers: s.layers,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
    torch_dtype: options.dtype ?? 'float32',
    transformers_version: '4.44.2',
    type_vocab_size: s.typeVocab,
    use_cache: true,
    vocab_size: s.vocab,
  };
}

/** The random tensors of a fixture, HF names, Linear weights stored [out, in]. Pure (no I/O). */
export function makeBertTensors(options: FixtureOptions): TensorMap {
  const s = resolveShape(options.shape);
  const dtype = options.dtype === 'float16' ? 'F16' : 'F32';
  const normal = gaussian(mulberry32(options.seed ?? 1234));
  const p = options.prefix ? 'bert.' : '';
  const out: TensorMap = new Map();
  const add = (name: string, shape: number[], kind: 'weight' | 'bias' | 'ln-weight' | 'ln-bias') => {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    const [mean, std] =
      kind === 'weight' ? [0, 0.02] : kind === 'bias' ? [0, 0.02] : kind === 'ln-weight' ? [1, 0.05] : [0, 0.05];
    for (let i = 0; i < n; i++) v[i] = mean + std * normal();
    const t: RawTensor = floatTensor(name, shape, v, dtype);
    out.set(name, t);
  };
  const h = s.hidden;
  add(`${p}embeddings.word_embeddings.weight`, [s.vocab, h], 'weight');
  add(`${p}embeddings.position_embeddings.weight`, [s.maxPositions, h], 'weight');
  add(`${p}embeddings.token_type_embeddings.weight`, [s.typeVocab, h], 'weight');
  add(`${p}embeddings.LayerNorm.weight`, [h], 'ln-weight');
  add(`${p}embeddings.LayerNorm.bias`, [h], 'ln-bias');
  for (let l = 0; l < s.layers; l++) {
    const L = `${p}encoder.layer.${l}.`;
    for (const m of ['query', 'key', 'value']) {
      add(`${L}attention.self.${m}.weight`, [h, h], 'weight');
      add(`${L}attention.self.${m}.bias`, [h], 'bias');
    }
    add(`${L}attention.output.dense.weight`, [h, h], 'weight');
    add(`${L}attention.output.dense.bias`, [h], 'bias');
    add(`${L}attention.output.LayerNorm.weight`, [h], 'ln-weight');
    add(`${L}attention.output.LayerNorm.bias`, [h], 'ln-bias');
    add(`${L}intermediate.dense.weight`, [s.intermediate, h], 'weight');
    add(`${L}intermediate.dense.bias`, [s.intermediate], 'bias');
    add(`${L}output.dense.weight`, [h, s.intermediate], 'weight');
    add(`${L}output.dense.bias`, [h], 'bias');
    add(`${L}output.LayerNorm.weight`, [h], 'ln-weight');
    add(`${L}output.LayerNorm.bias`, [h], 'ln-bias');
  }
  if (options.withPooler ?? true) {
    add(`${p}pooler.dense.weight`, [h, h], 'weight');
    add(`${p}pooler.dense.bias`, [h], 'bias');
  }
  if (options.head === 'mlm') {
    add('cls.predictions.bias', [s.vocab], 'bias');
    add('cls.predictions.transform.dense.weight', [h, h], 'weight');
    add('cls.predictions.transform.dense.bias', [h], 'bias');
    add('cls.predictions.transform.LayerNorm.weight', [h], 'ln-weight');
    add('cls.predictions.transform.LayerNorm.bias', [h], 'ln-bias');
  } else if (options.head === 'classifier') {
    add('classifier.weight', [2, h], 'weight');
    add('classifier.bias', [2], 'bias');
  }
  return out;
}

/** Writes a random-init checkpoint in exact HF layout into `dir` (created if needed). Needs ../shared for vocab.txt. */
export async function makeBertCheckpoint(dir: string, options: FixtureOptions): Promise<Fixture> {
  const vocabPath = sharedPath('data/bert-base-uncased/vocab.txt');
  if (!vocabPath) {
    throw new Error('makeBertCheckpoint needs ../shared/data/bert-base-uncased/vocab.txt (use skipUnlessShared)');
  }
  const s = resolveShape(options.shape);
  const formats = options.formats ?? ['safetensors'];
  if (formats.includes('bin') && formats.includes('bin-legacy')) {
    throw new Error("formats 'bin' and 'bin-legacy' both write pytorch_model.bin; pick one");
  }
  await mkdir(dir, { recursive: true });
  const config = fixtureConfig(options);
  const tensors = makeBertTensors(options);
  const files: string[] = [];
  const put = async (name: string, data: string | Uint8Array) => {
    await writeFile(path.join(dir, name), data);
    files.push(name);
  };
  await put('config.json', JSON.stringify(config, null, 2) + '\n');
  const vocabLines = (await readFile(vocabPath, 'utf8')).split('\n');
  if (vocabLines[vocabLines.length - 1] === '') vocabLines.pop();
  if (s.vocab > vocabLines.length) throw new Error(`vocab ${s.vocab} > ${vocabLines.length} lines in vocab.txt`);
  await put('vocab.txt', vocabLines.slice(0, s.vocab).join('\n') + '\n');
  await put('tokenizer_config.json', JSON.stringify({ do_lower_case: true, model_max_length: 512 }, null, 2) + '\n');
  const metadata = { format: 'pt', browser_bert_fixture: FIXTURE_MARKER };
  for (const format of formats) {
    if (format === 'safetensors') await put('model.safetensors', writeSafetensors(tensors, metadata));
    else if (format === 'bin') await put('pytorch_model.bin', writeTorchZip(tensors));
    else if (format === 'bin-legacy') await put('pytorch_model.bin', writeTorchLegacy(tensors));
    else if (format === 'safetensors-sharded') {
      const all = [...tensors.values()];
      const half = Math.ceil(all.length / 2);
      const parts = [all.slice(0, half), all.slice(half)];
      const weightMap: Record<string, string> = {};
      let total = 0;
      for (let i = 0; i < parts.length; i++) {
        const file = `model-0000${i + 1}-of-0000${parts.length}.safetensors`;
        for (const t of parts[i]!) {
          weightMap[t.name] = file;
          total += t.data.byteLength;
        }
        await put(file, writeSafetensors(parts[i]!, metadata));
      }
      await put(
        'model.safetensors.index.json',
        JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2) + '\n',
      );
    }
  }
  return { dir, config, tensors, files };
}
