/** `browser-bert predict --classifier DIR`: one text per stdin line → one JSON line {"label", "scores"} on stdout. */
import { initNodeBackend } from '@browser-bert/core/node';
import { CLASSIFIER_USAGE, loadClassifierArg } from '../classifier-arg.ts';
import { TIMEOUT_OPTION, TIMEOUT_USAGE, timeoutOption } from '../model-args.ts';
import { enumOption, intOption, parseOptions } from '../args.ts';
import { readStdinLines, type Command } from '../io.ts';
import { createProgress } from '../progress.ts';

const BACKENDS = ['wasm', 'cpu'] as const;

const command: Command = {
  name: 'predict',
  summary: 'classify stdin lines with a saved classifier (JSON lines {"label","scores"})',
  usage: `Usage: browser-bert predict --classifier DIR|ZIP [--encoder DIR|ID] [--batch-size N] [--backend wasm|cpu] < texts.txt

Reads one text per line from stdin and writes one JSON object per line to stdout:
  {"label":"spam","scores":{"ham":0.03,"spam":0.97}}
Binary classifiers use the decision threshold chosen on validation at training time.

Options:
${CLASSIFIER_USAGE}
  --batch-size <N>    texts per encoder call (default 64)
  --backend <b>       wasm (default) | cpu
${TIMEOUT_USAGE}`,
  async run(io) {
    const { values } = parseOptions(io.argv, {
      classifier: { type: 'string' },
      encoder: { type: 'string' },
      'batch-size': { type: 'string' },
      backend: { type: 'string' },
      ...TIMEOUT_OPTION,
    });
    const batchSize = intOption('batch-size', values['batch-size'], 64, 1, 4096);
    const backend = enumOption('backend', values.backend, BACKENDS, 'wasm');
    await initNodeBackend(backend);
    const progress = createProgress(io.stderr);
    try {
      const clf = await loadClassifierArg(values.classifier, io, progress, {
        encoder: values.encoder,
        stallTimeoutMs: timeoutOption(values.timeout),
      });
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
