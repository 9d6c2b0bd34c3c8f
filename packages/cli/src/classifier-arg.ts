/** The --classifier (and --encoder) arguments of commands that use a saved classifier (predict, eval). */
import { loadClassifier, RANDOM_INIT_NOTICE, type Classifier, type LoadedModel, UsageError } from '@browser-bert/core';
import { existsSync } from 'node:fs';
import { loadNode, stallTimeoutFromEnv } from '@browser-bert/core/node';
import type { CliIO } from './io.ts';
import type { CliProgress } from './progress.ts';

export const CLASSIFIER_USAGE = `  --classifier <path> a folder written by 'browser-bert train --out', or a .zip downloaded from the web app
                      (required)
  --encoder <dir|id>  the encoder of a head-only bundle (saved without its encoder): a model folder or a hub id
                      org/name[@revision]; it must be the model it was trained on (weights hash checked). Default:
                      the bundle's recorded source (cache, HF_ENDPOINT)`;

/**
 * Loads a saved classifier (folder or zip). An encoder that is not in the bundle comes from --encoder when given,
 * else from its recorded source (cache, HF_ENDPOINT); either way its weights hash is checked against the bundle's.
 */
export async function loadClassifierArg(
  dir: string | undefined,
  io: CliIO,
  progress: CliProgress,
  { encoder, stallTimeoutMs }: { encoder?: string | undefined; stallTimeoutMs?: number | undefined } = {},
): Promise<Classifier> {
  if (!dir) {
    throw new UsageError(
      '--classifier is required',
      'pass the folder written by `browser-bert train --out DIR` or a .zip from the web app',
    );
  }
  let model: LoadedModel | undefined;
  const loadModel = (source: string, options: Parameters<typeof loadNode>[1]) =>
    loadNode(source, {
      ...options,
      env: io.env,
      onProgress: progress.file,
      ...(stallTimeoutMs === undefined ? {} : { stallTimeoutMs }),
    });
  if (encoder !== undefined) {
    // a hub id with @revision, unless it names a folder that exists (a path may contain "@")
    const at = existsSync(encoder) ? null : /^(.+)@([^@/]+)$/.exec(encoder);
    model = await loadModel(at ? at[1]! : encoder, at ? { revision: at[2]! } : {});
  }
  try {
    // a bundle by URL stalls like a model download: --timeout, else BROWSER_BERT_TIMEOUT_MS, else the default
    const bundleTimeout = stallTimeoutMs ?? stallTimeoutFromEnv(io.env);
    const clf = await loadClassifier(dir, {
      ...(model ? { model } : { loadModel }),
      ...(bundleTimeout === undefined ? {} : { stallTimeoutMs: bundleTimeout }),
    });
    if (model && clf.manifest.encoder.included) {
      progress.note('note: this bundle includes its encoder; --encoder is not used');
      model.dispose();
      model = undefined;
    }
    if (clf.manifest.encoder.random_init) progress.note(`note: ${RANDOM_INIT_NOTICE}`);
    if (!model) return clf;
    // The classifier borrows `model`: dispose it together with the classifier.
    const owned = model;
    return { ...clf, dispose: () => (clf.dispose(), owned.dispose()) };
  } catch (e) {
    model?.dispose();
    throw e;
  }
}
