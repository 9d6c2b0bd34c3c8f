/**
 * Test helper (Node): a LoadedModel built straight from a generated random-init fixture folder, without the hub
 * (config → tokenizer → encoder), so training tests do not depend on download/cache code. Like load(), it attaches
 * the inference engine (default 'auto': the wasm-simd kernel here).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseBertConfig } from '../src/config';
import { createBertEncoder } from '../src/encoder';
import { withInference, type InferenceOptions } from '../src/kernel/attach';
import type { LoadedModel } from '../src/hub/types';
import { createTokenizer } from '../src/tokenizer';
import { makeBertCheckpoint, type FixtureOptions } from './fixtures';
import { fixtureLoadedModel } from './loaded-model';

export async function fixtureModel(
  dir: string,
  options: FixtureOptions,
  inference: InferenceOptions = {},
): Promise<LoadedModel> {
  const fx = await makeBertCheckpoint(dir, options);
  const config = parseBertConfig(fx.config);
  const tokenizer = createTokenizer(
    {
      vocabTxt: await readFile(path.join(dir, 'vocab.txt'), 'utf8'),
      tokenizerConfig: JSON.parse(await readFile(path.join(dir, 'tokenizer_config.json'), 'utf8')) as unknown,
    },
    { modelMaxLength: config.maxPositionEmbeddings },
  );
  const encoder = withInference(createBertEncoder(config, fx.tensors), inference);
  return fixtureLoadedModel({
    source: dir,
    weightsHash: `fixture-${JSON.stringify(options)}`,
    config,
    tokenizer,
    encoder,
  });
}
