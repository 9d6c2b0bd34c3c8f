/** `browser-bert tokenize --model <dir|id> [--max-length N]`: one text per stdin line → one JSON object per line. */
import { loadTokenizerNode } from '@browser-bert/core/node';
import type { Encoding } from '@browser-bert/core';
import { parseOptions } from '../args.ts';
import { readStdinLines, type Command } from '../io.ts';
import { checkMaxLength, MODEL_OPTIONS, MODEL_USAGE, modelArgs } from '../model-args.ts';
import { createProgress } from '../progress.ts';

/** The HF-style record of one unpadded encoding. */
export function encodingJson(e: Encoding): string {
  const ids = Array.from(e.inputIds);
  return JSON.stringify({
    input_ids: ids,
    token_type_ids: Array.from(e.tokenTypeIds),
    attention_mask: ids.map(() => 1),
  });
}

const command: Command = {
  name: 'tokenize',
  summary: 'token ids of each stdin line, as HuggingFace BertTokenizer gives them (JSON lines)',
  usage: `Usage: browser-bert tokenize --model <dir|id> [--max-length N] < texts.txt

Reads one text per line from stdin and writes one JSON object per line to stdout:
  {"input_ids":[…],"token_type_ids":[…],"attention_mask":[…]}   (unpadded, with [CLS]/[SEP])
Only the tokenizer files and config.json are read (no weights are downloaded).

Options:
${MODEL_USAGE}`,
  async run(io) {
    const { values } = parseOptions(io.argv, MODEL_OPTIONS);
    const args = modelArgs(values);
    const progress = createProgress(io.stderr);
    let tokenizer;
    try {
      tokenizer = await loadTokenizerNode(args.model, {
        env: io.env,
        ...(args.timeoutMs === undefined ? {} : { stallTimeoutMs: args.timeoutMs }),
        revision: args.revision,
        refresh: args.refresh,
        onProgress: progress.file,
        ...(args.maxLength === undefined ? {} : { maxLength: args.maxLength }),
      });
    } finally {
      progress.stop();
    }
    checkMaxLength(args.maxLength, tokenizer.settings.modelMaxLength);
    const lines = await readStdinLines(io.stdin);
    let out = '';
    for (const text of lines) {
      out += encodingJson(tokenizer.encode(text)) + '\n';
      if (out.length > 1 << 16) {
        io.stdout.write(out);
        out = '';
      }
    }
    io.stdout.write(out);
    return 0;
  },
};

export default command;
