/** What a command gets: its argv (after the command name) and the process streams, so tests can drive it. */
export interface CliIO {
  readonly argv: readonly string[];
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
}

export interface Command {
  readonly name: string;
  /** One line for --help. */
  readonly summary: string;
  /** Full usage text printed by `browser-bert <cmd> --help`. */
  readonly usage: string;
  /** Resolves to the exit code. Throw BrowserBertError for user errors (printed as one line). */
  run(io: CliIO): Promise<number>;
}

/** Reads stdin to the end and returns its lines (without the trailing empty line). */
export async function readStdinLines(stdin: NodeJS.ReadableStream): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  const text = Buffer.concat(chunks).toString('utf8');
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
