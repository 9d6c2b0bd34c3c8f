/**
 * The runtime's one assembly: a classifier bundle → tokenizer, the kernel engine on the encoder's weights, the head
 * in plain JS. Everything it uses from @browser-bert/core is TF.js-free (the pure layers, model/files, the kernel
 * engine, features/engine-embed, head/plain); a test checks the built bundle has no TF.js in it.
 */
import { FILES, type LazyClassifierBundle } from '../../core/src/bundle/types.ts';
import { checkBundle } from '../../core/src/bundle/validate.ts';
import { decide } from '../../core/src/classifier/decide.ts';
import { UsageError } from '../../core/src/errors.ts';
import { embedOnEngine } from '../../core/src/features/engine-embed.ts';
import { readPlainHead } from '../../core/src/head/plain.ts';
import { readBlobFiles } from '../../core/src/io/bundle-store-idb.ts';
import { createKernelEngine, prestartKernelWorkers } from '../../core/src/kernel/engine.ts';
import { parseJsonFile } from '../../core/src/model/files.ts';
import { assembleTokenizer } from '../../core/src/model/tokenizer.ts';
import { fileWeights, weightsBlob, type RuntimeEnv } from './encoder-weights.ts';
import type { Classification, ClassifyOptions, LoadOptions, RuntimeClassifier } from './types.ts';

export type { RuntimeEnv };

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

/**
 * Reads the bundle while the kernel's workers start (their start-up overlaps the read, which for a bundle in
 * IndexedDB is mostly waiting for the disk), then assembles the classifier on them.
 */
export async function loadRuntimeClassifier(
  read: () => Promise<LazyClassifierBundle>,
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

/**
 * The classifier of a bundle. Its encoder's weights, when they are a Blob not read yet (IndexedDB), are read by the
 * kernel's workers themselves while this thread builds the tokenizer; otherwise they are read and converted here.
 */
export async function runtimeClassifier(
  bundle: LazyClassifierBundle,
  options: LoadOptions,
  env: RuntimeEnv,
): Promise<RuntimeClassifier> {
  const m = bundle.manifest;
  const blob = weightsBlob(bundle);
  const f = await readBlobFiles(
    bundle.files,
    'the classifier saved in IndexedDB',
    blob ? FILES.encoderWeights : undefined,
  );
  const { config, randomInit, weights } = blob
    ? await fileWeights(f, blob, 'the saved classifier')
    : await (
        await import('./source-weights.ts')
      ).sourceWeights(checkBundle({ manifest: m, files: f }, 'the classifier bundle'), options, env);
  const hasPooler = weights.hasPooler;
  const engine = createKernelEngine(weights, {
    ...(env.spawner ? { spawn: env.spawner } : {}),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });
  try {
    // Posts the weights (or the file) to the workers and does not wait for them: they unpack (or read, convert and
    // pack) while this thread builds the tokenizer and the head.
    await engine.start?.();
    const tokenizer = assembleTokenizer(
      {
        vocabTxt: text(f[FILES.vocab]),
        tokenizerConfig: parseJsonFile(f[FILES.tokenizerConfig]!, `${FILES.tokenizerConfig} of the classifier`),
      },
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
      randomInit: m.encoder.random_init || randomInit,
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
