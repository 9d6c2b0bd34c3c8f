/** Node flavour of load(): folder paths, HF_ENDPOINT, HF_TOKEN and the cache folder (io/node/resolve.ts). */
import { nodeSourceDefaults, resolveNodeSource, type NodeSourceOptions } from '../io/node/resolve.ts';
import type { ModelCache, ModelSource } from '../io/types.ts';
import { loadFromSource, loadTokenizerFromSource } from '../model/from-source.ts';
import type { LoadedModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { LoadOptions } from './types.ts';

export interface NodeLoadOptions extends LoadOptions, NodeSourceOptions {}

/** The defaults loadNode applies (endpoint, token, cache, offline mode from the environment). */
export function nodeLoadDefaults(options: NodeLoadOptions = {}): NodeLoadOptions & { cache: ModelCache | false } {
  return nodeSourceDefaults(options);
}

export { resolveNodeSource };

/** load() for Node: local folder paths, HF_ENDPOINT, HF_TOKEN and the cache folder. */
export async function loadNode(source: ModelSource, options: NodeLoadOptions = {}): Promise<LoadedModel> {
  return loadFromSource(resolveNodeSource(source, options), nodeLoadDefaults(options));
}

/** The tokenizer only (no weights), with the same source rules and defaults as loadNode. */
export async function loadTokenizerNode(source: ModelSource, options: NodeLoadOptions = {}): Promise<Tokenizer> {
  return loadTokenizerFromSource(resolveNodeSource(source, options), nodeLoadDefaults(options));
}
