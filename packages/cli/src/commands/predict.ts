/** `browser-bert predict --classifier DIR`: one text per stdin line → one JSON line {"label", "scores"} on stdout. */
import { initNodeBackend, loadNode } from '@browser-bert/core/node';
import { BrowserBertError, loadClassifier, RANDOM_INIT_NOTICE, type Classifier } from '@browser-bert/core';
import { enumOption, intOption, parseOptions } from '../args';
import { readStdinLines, type CliIO, type Command } from '../io';
import { createProgress, type CliProgress } from '../progress';

const BACKENDS = ['wasm', 'cpu'] as const;

/** Loads a saved classifier folder; an encoder that is not in the bundle is loaded from its source (cache, HF_ENDPOINT). */
export async function loadClassifierFolder(
  dir: string | undefined,
  io: CliIO,
  progress: CliProgress,
): Promise<Classifier> {
  if (!dir) {
    throw new BrowserBertError(
      'USAGE',
      '--classifier is required',
      'pass the folder written by `browser-bert train --out DIR`',
    );
  }
  const clf = await loadClassifier(dir, {
    loadModel: (source, options) => loadNode(source, { ...options, env: io.env, onProgress: progress.file }),
  });
  if (clf.manifest.encoder.random_init) progress.note(`note: ${RANDOM_INIT_NOTICE}`);
  return clf;
}

const command: Command = {
  name: 'predict',
  summary: 'classify stdin lines with a saved classifier (JSON lines {"label","scores"})',
  usage: `Usage: browser-bert predict --classifier DIR [--batch-size N] [--backend wasm|cpu] < texts.txt

Reads one text per line from stdin and writes one JSON object per line to stdout:
  {"label":"spam","scores":{"ham":0.03,"spam":0.97}}
Binary classifiers use the decision threshold chosen on validation at training time.

Options:
  --classifier <dir>  a folder written by 'browser-bert train --out' (required)
  --batch-size <N>    texts per encoder call (default 64)
  --backend <b>       wasm (default) | cpu`,
  async run(io) {
    const { values } = parseOptions(io.argv, {
      classifier: { type: 'string' },
      'batch-size': { type: 'string' },
      backend: { type: 'string' },
    });
    const batchSize = intOption('batch-size', values['batch-size'], 64, 1, 4096);
    const backend = enumOption('backend', values.backend, BACKENDS, 'wasm');
    await initNodeBackend(backend);
    const progress = createProgress(io.stderr);
    try {
      const clf = await loadClassifierFolder(values.classifier, io, progress);
      try {
        const texts = await readStdinLines(io.stdin);
        const chunk = 1024;
        for (let i = 0; i < texts.length; i += chunk) {
          const preds = await clf.classify(texts.slice(i, i + chunk), { batchSize });
          io.stdout.write(preds.map((p) => JSON.stringify({ label: p.label, scores: p.scores })).join('\n') + '\n');
        }
        return 0;
      } finally {
        clf.dispose();
      }
    } finally {
      progress.stop();
    }
  },
};

export default command;
