/** `npm run bench -- [--only a,b] [--rounds N] [--quick] [--large] [--env node|chromium|both] [--threads N]`. */
import { SECTIONS, type Section } from '../suite/types';

export interface BenchArgs {
  readonly sections: Section[];
  readonly rounds: number;
  readonly quick: boolean;
  readonly large: boolean;
  readonly envs: ('node' | 'chromium')[];
  readonly threads: number;
  /** Also run the Chromium embed comparison with 1 thread (threads on/off). */
  readonly threadSweep: boolean;
  /** Tutorial baseline on every text (default: every 8th text, extrapolated — fixed length 128 = constant cost/text). */
  readonly fullTutorial: boolean;
  /** Sections run in Node (default: the selected ones minus finetune/minilm/large, which are slow single-threaded). */
  readonly nodeSections: Section[];
  /** Results name suffix: results/<stamp>-<out>.json and latest-<out>.json (to run envs in separate processes). */
  readonly out: string | undefined;
  /** Combine results/latest-<a>.json, latest-<b>.json … into latest.json and print the table; runs nothing. */
  readonly merge: string[] | undefined;
  /** Smoke test: use only this many SMS texts (evenly spaced). Figures are then not the corpus figures. */
  readonly texts: number | undefined;
}

const USAGE = `usage: npm run bench -- [options]
  --only a,b,…       sections (default: all except large): ${SECTIONS.join(', ')}
  --rounds N         interleaved rounds per comparison (default 3; --quick: 2)
  --quick            2 rounds, smaller sweeps and samples
  --large            also the 100,000-text synthetic run (slow)
  --env E            node | chromium | both (default both)
  --threads N        wasm threads in Chromium for TF.js and ORT (default 2)
  --no-thread-sweep  skip the Chromium 1-thread comparison
  --full-tutorial    run the tutorial baseline on all 5,574 texts (default: every 8th text, ×8 — its cost per
                     text is constant at fixed length 128; all texts take ~15 min per round here)
  --node-all         also run finetune / minilm / large in Node (default: Chromium only; slow single-threaded)
  --out NAME         write results/<stamp>-NAME.json and latest-NAME.json instead of latest.json
  --merge a,b        combine results/latest-a.json, latest-b.json into latest.json + print the table (runs nothing)
  --texts N          smoke test on N evenly spaced SMS texts (not the corpus figures)
  (labelling: warm retrain time in both; the simulated curves on SMS and SpamAssassin in Node only)`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  let only: Section[] | undefined;
  let rounds: number | undefined;
  let quick = false;
  let large = false;
  let env = 'both';
  let threads = 2;
  let threadSweep = true;
  let fullTutorial = false;
  let texts: number | undefined;
  let nodeAll = false;
  let out: string | undefined;
  let merge: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    const name = a.split('=')[0];
    if (name === '--only') {
      only = val()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean) as Section[];
      const bad = only.filter((s) => !SECTIONS.includes(s));
      if (bad.length) throw new Error(`unknown section(s) ${bad.join(', ')}; known: ${SECTIONS.join(', ')}`);
    } else if (name === '--rounds') {
      rounds = Number(val());
      if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer`);
    } else if (name === '--quick') quick = true;
    else if (name === '--large') large = true;
    else if (name === '--env') env = val();
    else if (name === '--threads') threads = Number(val());
    else if (name === '--no-thread-sweep') threadSweep = false;
    else if (name === '--full-tutorial') fullTutorial = true;
    else if (name === '--texts') texts = Number(val());
    else if (name === '--node-all') nodeAll = true;
    else if (name === '--out') out = val();
    else if (name === '--merge') merge = val().split(',');
    else if (name === '--help' || name === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (!['node', 'chromium', 'both'].includes(env)) throw new Error(`--env must be node, chromium or both`);
  let sections = only ?? SECTIONS.filter((s) => s !== 'large');
  if (large && !sections.includes('large')) sections = [...sections, 'large'];
  return {
    sections,
    rounds: rounds ?? (quick ? 2 : 3),
    quick,
    large,
    envs: env === 'both' ? ['node', 'chromium'] : [env as 'node' | 'chromium'],
    threads,
    threadSweep,
    fullTutorial,
    nodeSections: nodeAll || only ? sections : sections.filter((s) => !['finetune', 'minilm', 'large'].includes(s)),
    texts,
    out,
    merge,
  };
}
