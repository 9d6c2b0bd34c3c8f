/**
 * `await load(source, options)`: a ready LoadedModel (config, tokenizer, encoder, info) from a hub id, the URL of a
 * model folder, a folder picked in the browser, or a directory handle. Runs in browsers, workers and Node; the Node
 * flavour (node-model.ts) adds local folder paths, HF_ENDPOINT/HF_TOKEN and the on-disk cache. Resolving the source
 * is the byte layer's job (io/), assembling the model the model layer's (model/).
 */
import { resolveSource } from '../io/resolve.ts';
import type { ModelSource } from '../io/types.ts';
import { loadFromSource, loadTokenizerFromSource } from '../model/from-source.ts';
import type { LoadedModel } from '../model/types.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import type { LoadOptions } from './types.ts';

/** The tokenizer of a model (hub id, `{ hub }`, `{ files }`, `{ directory }`) without its weights. */
export async function loadTokenizer(source: ModelSource, options: LoadOptions = {}): Promise<Tokenizer> {
  return loadTokenizerFromSource(resolveSource(source, options), options);
}

/**
 * Loads a model from a hub id (`org/name[@revision]`), `{ hub, revision }`, the URL of a model folder on a web
 * server (`https://host/models/tiny/`, e.g. `browser-bert convert` output), `{ files }` or `{ directory }`.
 */
export async function load(source: ModelSource, options: LoadOptions = {}): Promise<LoadedModel> {
  return loadFromSource(resolveSource(source, options), options);
}
