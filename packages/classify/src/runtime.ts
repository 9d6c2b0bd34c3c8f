/**
 * The runtime's one assembly: a classifier bundle → tokenizer, the kernel engine on the encoder's weights, the head
 * in plain JS. Everything it uses from @browser-bert/core is TF.js-free (the pure layers, model/files, the kernel
 * engine, features/engine-embed, head/plain); a test checks the built bundle has no TF.js in it.
 */
import { FILES, type ClassifierBundle } from '../../core/src/bundle/types.ts';
import { decide } from '../../core/src/classifier/decide.ts';
import { parseBertConfig } from '../../core/src/config/parse.ts';
import { WORD_EMBEDDINGS } from '../../core/src/encoder/weight-map.ts';
import { encoderWeightValues } from '../../core/src/encoder/weight-values.ts';
import { EncoderMismatchError, UsageError, WeightsError } from '../../core/src/errors.ts';
import { embedOnEngine } from '../../core/src/features/engine-embed.ts';
import { readPlainHead } from '../../core/src/head/plain.ts';
import { createMemorySource } from '../../core/src/io/memory-source.ts';
import type { FileSource } from '../../core/src/io/types.ts';
import { createKernelEngine, prestartKernelWorkers } from '../../core/src/kernel/engine.ts';
import type { KernelSpawner } from '../../core/src/kernel/spawn.ts';
import { readModelFiles } from '../../core/src/model/files.ts';
import { assembleTokenizer } from '../../core/src/model/tokenizer.ts';
import { readModelWeights } from '../../core/src/model/weights.ts';
import { weightsHash } from '../../core/src/model/weights-hash.ts';
import { shareableFloat32 } from '../../core/src/util/shared-memory.ts';
import { hasRandomInitMarker } from '../../core/src/vocabulary.ts';
import type { Classification, ClassifyOptions, LoadOptions, RuntimeClassifier } from './types.ts';

/** What differs between the browser and Node builds. */
export interface RuntimeEnv {
  /** The FileSource of an encoder source string (hub id, model-folder URL; in Node also a folder path). */
  encoderSource(source: string, revision: string | null, options: LoadOptions): FileSource;
  readonly spawner: KernelSpawner | undefined;
}

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

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

/**
 * Reads the bundle while the kernel's workers start (their start-up overlaps the read, which for a bundle in
 * IndexedDB is mostly waiting for the disk), then assembles the classifier on them.
 */
export async function loadRuntimeClassifier(
  read: () => Promise<ClassifierBundle>,
  options: LoadOptions,
  env: RuntimeEnv,
): Promise<RuntimeClassifier> {
  const threads = options.threads === undefined ? {} : { threads: options.threads };
  const started = env.spawner ? prestartKernelWorkers({ spawn: env.spawner, ...threads }) : undefined;
  try {
    return await runtimeClassifier(await read(), options, started ? { ...env, spawner: started.spawn } : env);
  } finally {
    started?.dispose();
  }
}

export async function runtimeClassifier(
  bundle: ClassifierBundle,
  options: LoadOptions,
  env: RuntimeEnv,
): Promise<RuntimeClassifier> {
  const m = bundle.manifest;
  const f = bundle.files;
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
  const engine = createKernelEngine(
    {
      config,
      hasPooler,
      wordEmbeddings,
      values: async () => {
        const v = held!;
        held = undefined;
        return v;
      },
    },
    {
      ...(env.spawner ? { spawn: env.spawner } : {}),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    },
  );
  try {
    // Posts the weights to the workers (it does not wait for them): they compile the kernel and unpack while this
    // thread builds the tokenizer and the head.
    await engine.start?.();
    const tokenizer = assembleTokenizer(
      { vocabTxt: text(f[FILES.vocab]), tokenizerConfig: JSON.parse(text(f[FILES.tokenizerConfig])) as unknown },
      config,
      m.max_length,
    );
    const head = readPlainHead(f[FILES.headModel]!, f[FILES.headWeights]!);
    const model = { config, hasPooler };
    const labels = m.labels;
    const positiveIndex = m.positive_label === null ? undefined : labels.indexOf(m.positive_label);
    const threshold = m.threshold ?? undefined;
    const maxLength = m.pooling === 'flatten' ? (m.flatten_length ?? m.max_length) : m.max_length;
    let disposed = false;
    const predictProba = async (texts: readonly string[], o: ClassifyOptions = {}): Promise<Float32Array> => {
      if (disposed) throw new UsageError('This classifier was disposed', 'load it again');
      if (texts.length === 0) return new Float32Array(0);
      const encodings = tokenizer.encodeBatch(texts, { maxLength });
      const features = await embedOnEngine(engine, model, encodings, {
        pooling: m.pooling,
        normalize: m.normalize,
        ...(m.flatten_length === null ? {} : { flattenLength: m.flatten_length }),
        ...(o.batchSize === undefined ? {} : { batchSize: o.batchSize }),
        ...(o.signal === undefined ? {} : { signal: o.signal }),
      });
      return head.predict(features.data);
    };
    const report = f[FILES.report] ? (JSON.parse(text(f[FILES.report])) as RuntimeClassifier['report']) : undefined;
    return {
      labels,
      manifest: m,
      report,
      randomInit: m.encoder.random_init || hasRandomInitMarker(files.config),
      threads: engine.threads,
      predictProba,
      async classify(texts, o = {}): Promise<Classification[]> {
        const probs = await predictProba(texts, o);
        const C = labels.length;
        return texts.map((_, i) => {
          const scores: Record<string, number> = {};
          labels.forEach((l, c) => (scores[l] = probs[i * C + c]!));
          return { label: labels[decide(probs, i, C, positiveIndex, threshold)]!, scores };
        });
      },
      dispose() {
        disposed = true;
        engine.dispose();
      },
    };
  } catch (e) {
    engine.dispose();
    throw e;
  }
}
