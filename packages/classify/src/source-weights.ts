/**
 * The encoder's weights read on the calling thread, as values: from the bundle (a URL, zip or folder bundle), or from
 * the encoder's recorded source, checked against its hash. Loaded by the runtime when it needs it (runtime.ts), so a
 * page that loads classifiers from IndexedDB never loads the checkpoint readers (torch, zip: fflate builds tables
 * when loaded).
 */
import { FILES, type ClassifierBundle } from '../../core/src/bundle/types.ts';
import { parseBertConfig } from '../../core/src/config/parse.ts';
import { WORD_EMBEDDINGS } from '../../core/src/encoder/weight-map.ts';
import { encoderWeightValues } from '../../core/src/encoder/weight-values.ts';
import { EncoderMismatchError, WeightsError } from '../../core/src/errors.ts';
import { createMemorySource } from '../../core/src/io/memory-source.ts';
import type { FileSource } from '../../core/src/io/types.ts';
import { readModelFiles } from '../../core/src/model/files.ts';
import { readModelWeights } from '../../core/src/model/weights.ts';
import { weightsHash } from '../../core/src/model/weights-hash.ts';
import { shareableFloat32 } from '../../core/src/util/shared-memory.ts';
import { hasRandomInitMarker } from '../../core/src/vocabulary.ts';
import type { EncoderWeights, RuntimeEnv } from './encoder-weights.ts';
import type { LoadOptions } from './types.ts';

/** The encoder's files: the bundle's own (fine-tuned), else its recorded source (or options.encoder). */
function encoderFiles(bundle: ClassifierBundle, options: LoadOptions, env: RuntimeEnv): FileSource {
  const m = bundle.manifest;
  const f = bundle.files;
  if (m.encoder.included) {
    return createMemorySource(
      {
        'config.json': f[FILES.encoderConfig]!,
        'model.safetensors': f[FILES.encoderWeights]!,
        'vocab.txt': f[FILES.vocab]!,
        'tokenizer_config.json': f[FILES.tokenizerConfig]!,
      },
      'the classifier bundle',
    );
  }
  const given = options.encoder;
  if (given !== undefined && typeof given !== 'string') return given;
  const source = given ?? m.encoder.source;
  return env.encoderSource(source, given === undefined ? m.encoder.revision : null, options);
}

/** The weights read here, as values: from the bundle, or from the encoder's source, checked against its hash. */
export async function sourceWeights(
  bundle: ClassifierBundle,
  options: LoadOptions,
  env: RuntimeEnv,
): Promise<EncoderWeights> {
  const m = bundle.manifest;
  const source = encoderFiles(bundle, options, env);
  const files = await readModelFiles(source, { onProgress: options.onProgress });
  if (files.weights.kind === 'tfjs-graph') {
    throw new WeightsError(
      `${source.description} is a TF.js graph model, which the kernel cannot run`,
      'use @browser-bert/core (TF.js) for graph models, or a checkpoint with its weights (safetensors)',
    );
  }
  const weights = readModelWeights(files.weights);
  if (!m.encoder.included) {
    const hash = await weightsHash(weights.files);
    if (hash !== m.encoder.weights_hash)
      throw new EncoderMismatchError(source.description, m.encoder.weights_hash, hash);
  }
  await source.finish?.();
  const config = parseBertConfig(files.config);
  // the word table goes straight into shared memory (one copy for every worker), the rest into plain arrays
  const { values, hasPooler } = encoderWeightValues(config, weights.tensors, source.description, (name, n) =>
    name === WORD_EMBEDDINGS ? shareableFloat32(n) : undefined,
  );
  const wordEmbeddings = values.get(WORD_EMBEDDINGS)!;
  values.delete(WORD_EMBEDDINGS);
  // Handed to the engine once, when it starts: nothing here keeps a second copy of the weights alive.
  let held: Map<string, Float32Array> | undefined = values;
  const take = async () => {
    const v = held!;
    held = undefined;
    return v;
  };
  return {
    config,
    randomInit: hasRandomInitMarker(files.config),
    weights: { config, hasPooler, wordEmbeddings, values: take },
  };
}
