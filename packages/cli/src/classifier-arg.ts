/** The --classifier argument of commands that use a saved classifier (predict, eval). */
import { loadClassifier, RANDOM_INIT_NOTICE, type Classifier, UsageError } from '@browser-bert/core';
import { loadNode } from '@browser-bert/core/node';
import type { CliIO } from './io.ts';
import type { CliProgress } from './progress.ts';

/** Loads a saved classifier folder; an encoder that is not in the bundle is loaded from its source (cache, HF_ENDPOINT). */
export async function loadClassifierArg(
  dir: string | undefined,
  io: CliIO,
  progress: CliProgress,
  stallTimeoutMs?: number,
): Promise<Classifier> {
  if (!dir) {
    throw new UsageError('--classifier is required', 'pass the folder written by `browser-bert train --out DIR`');
  }
  const clf = await loadClassifier(dir, {
    loadModel: (source, options) => loadNode(source, { ...options, env: io.env, onProgress: progress.file }),
    ...(stallTimeoutMs === undefined ? {} : { stallTimeoutMs }),
  });
  if (clf.manifest.encoder.random_init) progress.note(`note: ${RANDOM_INIT_NOTICE}`);
  return clf;
}
