/**
 * `browser-bert embed --model <dir|id> [--pooling cls|mean|pooler|none] [--max-length N] [--batch-size N]
 * [--backend wasm|cpu]`: one text per stdin line → one JSON object per line on stdout.
 */
import {
  embedTexts,
  encodeTexts,
  DEFAULT_EMBED_BATCH_SIZE,
  POOLINGS,
  UsageError,
  type Pooling,
} from '@browser-bert/core';
import { initNodeBackend } from '@browser-bert/core/node';
import { enumOption, intOption, parseOptions } from '../args.ts';
import { readStdinLines, type Command } from '../io.ts';
import { loadModelForCommand, MODEL_OPTIONS, MODEL_USAGE, modelArgs } from '../model-args.ts';
import { createProgress } from '../progress.ts';

/** Every pooling but the tutorial's 'flatten' baseline (a training comparison, not an embedding). */
const EMBED_POOLINGS = POOLINGS.filter((p): p is Exclude<Pooling, 'flatten'> => p !== 'flatten');
const BACKENDS = ['wasm', 'cpu'] as const;
const NORMALIZE = ['auto', 'on', 'off'] as const;

/** One row of numbers; float32 values print exactly (shortest round-trip double). */
const row = (v: Float32Array): string => `[${Array.from(v).join(',')}]`;

const command: Command = {
  name: 'embed',
  summary: 'encoder outputs of each stdin line: pooled embedding or per-token hidden states (JSON lines)',
  usage: `Usage: browser-bert embed --model <dir|id> [--pooling cls|mean|pooler|none] [--max-length N]
                          [--batch-size N] [--backend wasm|cpu] < texts.txt

Reads one text per line from stdin and writes one JSON object per line to stdout:
  {"embedding":[…]}                        pooled vector (cls, mean, pooler)
  {"last_hidden_state":[[…],…]}            --pooling none: one row per real token (incl. [CLS]/[SEP])
Progress goes to stderr.

Options:
  --pooling <p>       cls | mean (mask-aware) | pooler (dense+tanh on [CLS]) | none
                      (default: the model's own, from sentence-transformers 1_Pooling, else mean)
  --normalize <n>     auto | on | off: L2-normalise pooled embeddings (auto: when the model has a
                      sentence-transformers Normalize module)
  --batch-size <N>    texts per encoder call (default ${DEFAULT_EMBED_BATCH_SIZE}; batches group texts of similar length)
  --backend <b>       wasm (default) | cpu
${MODEL_USAGE}`,
  async run(io) {
    const { values } = parseOptions(io.argv, {
      ...MODEL_OPTIONS,
      pooling: { type: 'string' },
      normalize: { type: 'string' },
      'batch-size': { type: 'string' },
      backend: { type: 'string' },
    });
    const args = modelArgs(values);
    // Validate every option before any download or backend start-up.
    const pooling =
      values.pooling === undefined ? undefined : enumOption('pooling', values.pooling, EMBED_POOLINGS, 'mean');
    const normalizeOpt = enumOption('normalize', values.normalize, NORMALIZE, 'auto');
    const batchSize = intOption('batch-size', values['batch-size'], DEFAULT_EMBED_BATCH_SIZE, 1, 4096);
    const backend = enumOption('backend', values.backend, BACKENDS, 'wasm');
    if (pooling === 'none' && normalizeOpt === 'on') {
      throw new UsageError(
        '--normalize on applies to pooled embeddings, not to --pooling none',
        'drop --normalize, or choose --pooling cls|mean|pooler',
      );
    }

    await initNodeBackend(backend);
    const progress = createProgress(io.stderr);
    try {
      const model = await loadModelForCommand(args, io.env, progress, 'its embeddings carry no BERT quality');
      try {
        const texts = await readStdinLines(io.stdin);
        const encodings = model.tokenizer.encodeBatch(texts);
        const bar = progress.task('embedding', texts.length, 'texts');
        const onProgress = (done: number) => bar.update(done);
        let out = '';
        const flush = (force = false) => {
          if (force || out.length > 1 << 16) {
            io.stdout.write(out);
            out = '';
          }
        };
        const kind = pooling ?? model.info.defaultPooling;
        if (kind === 'none') {
          const rows = await encodeTexts(model.encoder, encodings, { batchSize, onProgress });
          bar.stop();
          const H = model.config.hiddenSize;
          for (const r of rows) {
            const tokens: string[] = [];
            for (let t = 0; t < r.length / H; t++) tokens.push(row(r.subarray(t * H, (t + 1) * H)));
            out += `{"last_hidden_state":[${tokens.join(',')}]}\n`;
            flush();
          }
        } else {
          const normalize = normalizeOpt === 'auto' ? model.info.normalize : normalizeOpt === 'on';
          const { dim, data } = await embedTexts(model.encoder, encodings, {
            pooling: kind,
            batchSize,
            normalize,
            onProgress,
          });
          bar.stop();
          for (let i = 0; i < texts.length; i++) {
            out += `{"embedding":${row(data.subarray(i * dim, (i + 1) * dim))}}\n`;
            flush();
          }
        }
        flush(true);
        return 0;
      } finally {
        model.dispose();
      }
    } finally {
      progress.stop();
    }
  },
};

export default command;
