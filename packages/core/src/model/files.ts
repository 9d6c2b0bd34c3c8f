/**
 * Reads the files of a BERT-family model folder from any FileSource: config, tokenizer files, the best weights
 * format available, sentence-transformers modules. Returns plain data; assemble.ts turns it into stages.
 */
import { ConfigError, HubError } from '../errors.ts';
import { hubFileUrl } from '../io/hub-id.ts';
import { isHubSource, type HubSource } from '../io/remote-source.ts';
import type { TokenizerFiles } from '../tokenizer/types.ts';
import { readSafetensorsIndex } from '../weights/sharded.ts';
import { tfjsShardPaths } from '../weights/tfjs.ts';
import { poolingConfigFile } from './sentence-transformers.ts';
import type { FileProgress, FileSource } from '../io/types.ts';

export interface NamedBytes {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export type WeightsFiles =
  | { readonly kind: 'single'; readonly file: NamedBytes }
  | { readonly kind: 'safetensors-sharded'; readonly index: unknown; readonly shards: NamedBytes[] }
  | { readonly kind: 'torch-sharded'; readonly index: unknown; readonly shards: NamedBytes[] }
  | {
      readonly kind: 'tfjs-bundle' | 'tfjs-graph';
      readonly modelJson: unknown;
      readonly modelJsonFile: NamedBytes;
      readonly shards: NamedBytes[];
    };

export interface ModelFiles {
  /** Parsed config.json; undefined only for a TF.js graph model folder without one (or a tokenizer-only read). */
  readonly config: unknown;
  readonly tokenizer: TokenizerFiles;
  /** Undefined when only the tokenizer was asked for. */
  readonly weights: WeightsFiles | undefined;
  readonly modulesJson: unknown;
  readonly poolingConfig: unknown;
}

/** Weights files in order of preference: the first one present wins. */
export const WEIGHTS_CANDIDATES = [
  'model.safetensors',
  'model.safetensors.index.json',
  'pytorch_model.bin',
  'pytorch_model.bin.index.json',
  'model.json',
] as const;

type Get = (name: string) => Promise<Uint8Array | undefined>;

function parseJson(source: FileSource, name: string, bytes: Uint8Array | undefined): unknown {
  return bytes === undefined ? undefined : parseJsonFile(bytes, `${name} of ${source.description}`);
}

/** A JSON file's value; a ConfigError naming `what` (e.g. "config.json of …") when it is not JSON. */
export function parseJsonFile(bytes: Uint8Array, what: string): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch (e) {
    const hint = /^\s*</.test(text)
      ? 'the file is an HTML page, not JSON (a login or error page saved under that name?); download it again'
      : 'the file is damaged; download it again';
    throw new ConfigError(`${what} is not valid JSON (${(e as Error).message})`, hint, { cause: e });
  }
}

export interface ReadModelFilesOptions {
  readonly onProgress?: ((p: FileProgress) => void) | undefined;
  /** Read the weights too (default true); false for tokenizer-only loads. */
  readonly weights?: boolean;
}

/** The "no such file" error for a source: hub repos are worded by id and revision, folders by their description. */
function missingFileError(source: FileSource): (file: string, alternatives?: string) => HubError {
  const hub: HubSource | undefined = isHubSource(source) ? source : undefined;
  return (file, alternatives = '') => {
    if (hub && file === 'config.json') {
      return new HubError(
        'not-found',
        `model ${hub.ref.repo} not found at ${hub.endpoint} (no config.json at revision ${hub.ref.revision})`,
        'check the id and revision, or that the model is public (private models need a token)',
      );
    }
    if (hub) {
      return new HubError(
        'not-found',
        `model ${hub.ref.repo} has no file ${file}${alternatives} at revision ${hub.ref.revision}`,
        'check the model id and revision; browser-bert needs a BERT-family model folder (config.json, vocab.txt or tokenizer.json, weights)',
        { url: hubFileUrl(hub.endpoint, hub.ref, file) },
      );
    }
    return new HubError(
      'not-found',
      `${source.description} has no ${file}${alternatives}`,
      'pick the folder that holds the model files (config.json, vocab.txt or tokenizer.json, and the weights)',
    );
  };
}

export async function readModelFiles(
  source: FileSource,
  options?: ReadModelFilesOptions & { readonly weights?: true },
): Promise<ModelFiles & { readonly weights: WeightsFiles }>;
export async function readModelFiles(source: FileSource, options: ReadModelFilesOptions): Promise<ModelFiles>;
export async function readModelFiles(source: FileSource, options: ReadModelFilesOptions = {}): Promise<ModelFiles> {
  const { onProgress } = options;
  const missing = missingFileError(source);
  // Hub repos must have config.json (checked first: its absence usually means a wrong id).
  const configRequired = isHubSource(source);
  const listed = source.listFiles ? new Set(await source.listFiles()) : undefined;
  const get: Get = async (name) => (listed && !listed.has(name) ? undefined : source.get(name, onProgress));
  const required = async (name: string, alternatives?: string) => {
    const b = await get(name);
    if (!b) throw missing(name, alternatives);
    return b;
  };

  // config.json first: on the hub its absence means the repo itself is missing or not a transformers model.
  const configBytes = await get('config.json');
  const config = parseJson(source, 'config.json', configBytes);
  if (config === undefined && configRequired) throw missing('config.json');

  const weights = options.weights === false ? undefined : await readWeightsFiles(source, get, required);
  if (config === undefined && weights && weights.kind !== 'tfjs-graph') throw missing('config.json');

  const [tokenizerJson, vocab, tokenizerConfig, specialTokensMap, modulesJson] = await Promise.all([
    get('tokenizer.json'),
    get('vocab.txt'),
    get('tokenizer_config.json'),
    get('special_tokens_map.json'),
    get('modules.json'),
  ]);
  if (!tokenizerJson && !vocab) throw missing('vocab.txt', ' (nor tokenizer.json)');
  const modules = parseJson(source, 'modules.json', modulesJson);
  const poolingFile = poolingConfigFile(modules);
  const poolingConfig = poolingFile ? parseJson(source, poolingFile, await get(poolingFile)) : undefined;

  const tokenizer: TokenizerFiles = {};
  if (tokenizerJson) tokenizer.tokenizerJson = parseJson(source, 'tokenizer.json', tokenizerJson);
  if (vocab) tokenizer.vocabTxt = new TextDecoder().decode(vocab);
  if (tokenizerConfig) tokenizer.tokenizerConfig = parseJson(source, 'tokenizer_config.json', tokenizerConfig);
  if (specialTokensMap) tokenizer.specialTokensMap = parseJson(source, 'special_tokens_map.json', specialTokensMap);
  return { config, tokenizer, weights, modulesJson: modules, poolingConfig };
}

async function readWeightsFiles(
  source: FileSource,
  get: Get,
  required: (name: string, alternatives?: string) => Promise<Uint8Array>,
): Promise<WeightsFiles> {
  for (const name of WEIGHTS_CANDIDATES) {
    const bytes = await get(name);
    if (!bytes) continue;
    if (name === 'model.safetensors' || name === 'pytorch_model.bin') return { kind: 'single', file: { name, bytes } };
    const json = parseJson(source, name, bytes);
    if (name === 'model.safetensors.index.json' || name === 'pytorch_model.bin.index.json') {
      // Both index files have the same {"weight_map": {tensor: shard}} layout.
      const shardNames = readSafetensorsIndex(json).files;
      const shards: NamedBytes[] = [];
      for (const shard of shardNames) shards.push({ name: shard, bytes: await required(shard) });
      return name === 'model.safetensors.index.json'
        ? { kind: 'safetensors-sharded', index: json, shards }
        : { kind: 'torch-sharded', index: json, shards };
    }
    const format = (json as { format?: unknown } | undefined)?.format;
    const shards: NamedBytes[] = [];
    for (const shard of tfjsShardPaths(json)) shards.push({ name: shard, bytes: await required(shard) });
    const kind = format === 'graph-model' ? 'tfjs-graph' : 'tfjs-bundle';
    return { kind, modelJson: json, modelJsonFile: { name, bytes }, shards };
  }
  throw new HubError(
    'not-found',
    `${source.description} has no weights file`,
    `looked for ${WEIGHTS_CANDIDATES.join(', ')}; download the model's weights into the folder (safetensors preferred)`,
  );
}
