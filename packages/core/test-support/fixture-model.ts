/**
 * Test helper (Node): a LoadedModel from a generated random-init fixture folder, through the library's one model
 * assembly (a folder source, no hub), so training tests do not depend on download/cache code. Like load(), it
 * attaches the inference engine (default 'auto': the wasm-simd kernel here).
 */
import { createFolderSource } from '../src/io/node/folder-source';
import type { InferenceOptions } from '../src/kernel/attach';
import { loadFromSource } from '../src/model/from-source';
import type { LoadedModel } from '../src/model/types';
import { makeBertCheckpoint, type FixtureOptions } from './fixtures';

export async function fixtureModel(
  dir: string,
  options: FixtureOptions,
  inference: InferenceOptions = {},
): Promise<LoadedModel> {
  await makeBertCheckpoint(dir, options);
  return loadFromSource(createFolderSource(dir), inference);
}
