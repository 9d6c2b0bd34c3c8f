/**
 * browser-bert CLI dispatcher. Each command lives in ./commands/<name>.ts and default-exports a `Command`.
 * Errors: one line on stderr saying what to do, exit code 1 (2 for usage errors).
 */
import { BrowserBertError, UsageError } from '@browser-bert/core';
import type { CliIO, Command } from './io.ts';

/** Each command is loaded when used (a literal import per command, so the compiled CLI resolves them). */
const LOADERS = {
  tokenize: () => import('./commands/tokenize.ts'),
  embed: () => import('./commands/embed.ts'),
  inspect: () => import('./commands/inspect.ts'),
  train: () => import('./commands/train.ts'),
  eval: () => import('./commands/eval.ts'),
  predict: () => import('./commands/predict.ts'),
  convert: () => import('./commands/convert.ts'),
  export: () => import('./commands/export.ts'),
  bench: () => import('./commands/bench.ts'),
} satisfies Record<string, () => Promise<{ default: Command }>>;

export type CommandName = keyof typeof LOADERS;
export const COMMANDS = Object.keys(LOADERS) as CommandName[];

async function loadCommand(name: string): Promise<Command | undefined> {
  if (!Object.hasOwn(LOADERS, name)) return undefined;
  return (await LOADERS[name as CommandName]()).default;
}

async function help(io: CliIO): Promise<void> {
  const lines = ['Usage: browser-bert <command> [options]', '', 'Commands:'];
  for (const name of COMMANDS) {
    const cmd = await loadCommand(name);
    if (cmd) lines.push(`  ${name.padEnd(10)} ${cmd.summary}`);
  }
  lines.push(
    '',
    'Models: --model takes a HuggingFace hub id (org/name[@revision]) or a local folder.',
    'Hub endpoint: HF_ENDPOINT (default https://huggingface.co). Cache: BROWSER_BERT_CACHE (default ~/.cache/browser-bert).',
    "Run 'browser-bert <command> --help' for a command's options.",
  );
  io.stdout.write(lines.join('\n') + '\n');
}

export async function main(io: CliIO): Promise<number> {
  const [name, ...rest] = io.argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await help(io);
    return name === undefined ? 2 : 0;
  }
  const cmd = await loadCommand(name);
  if (!cmd) {
    io.stderr.write(`browser-bert: unknown command "${name}" — run 'browser-bert --help' for the list\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(cmd.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await cmd.run({ ...io, argv: rest });
  } catch (e) {
    const msg = e instanceof BrowserBertError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    io.stderr.write(`browser-bert ${name}: ${msg.split('\n')[0]}\n`);
    if (process.env.BROWSER_BERT_DEBUG && e instanceof Error) io.stderr.write(`${e.stack}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}
