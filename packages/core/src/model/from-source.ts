/** A model from any FileSource: read its files (model/files.ts), assemble them (model/assemble.ts), let it finish. */
import { parseBertConfig } from '../config/index.ts';
import { throwIfAborted } from '../errors.ts';
import type { FileProgress, FileSource } from '../io/types.ts';
import type { InferenceOptions } from '../kernel/attach.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import { assembleModel, assembleTokenizer } from './assemble.ts';
import { readModelFiles } from './files.ts';
import type { LoadedModel } from './types.ts';

export interface SourceLoadOptions extends InferenceOptions {
  /** Default truncation length of the tokenizer (≤ the model's own limit). Default 128. */
  maxLength?: number | undefined;
  onProgress?: ((p: FileProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
}

/** Loads from an already resolved FileSource (any kind: hub, URL, folder, picked files, memory, a test double). */
export async function loadFromSource(source: FileSource, options: SourceLoadOptions = {}): Promise<LoadedModel> {
  throwIfAborted(options.signal);
  const files = await readModelFiles(source, { onProgress: options.onProgress });
  throwIfAborted(options.signal);
  const model = await assembleModel(files, {
    source: source.description,
    revision: source.revision,
    maxLength: options.maxLength,
    inference: options,
  });
  await source.finish?.();
  return model;
}

/** Only the tokenizer (and config) of a FileSource: no weights are downloaded or read. */
export async function loadTokenizerFromSource(
  source: FileSource,
  options: Pick<SourceLoadOptions, 'maxLength' | 'onProgress'> = {},
): Promise<Tokenizer> {
  const files = await readModelFiles(source, { onProgress: options.onProgress, weights: false });
  const config = files.config === undefined ? undefined : parseBertConfig(files.config);
  const tokenizer = assembleTokenizer(files.tokenizer, config, options.maxLength);
  await source.finish?.();
  return tokenizer;
}
