/**
 * The model options shared by commands that load a model (--model, --revision, --max-length, --refresh,
 * --inference, --threads).
 */
import { type InferenceChoice, type LoadedModel, UsageError } from '@browser-bert/core';
import { loadNode } from '@browser-bert/core/node';
import { intOption } from './args.ts';
import type { CliProgress } from './progress.ts';

export const MODEL_OPTIONS = {
  model: { type: 'string' },
  revision: { type: 'string' },
  'max-length': { type: 'string' },
  refresh: { type: 'boolean' },
  inference: { type: 'string' },
  threads: { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** --timeout for commands that download without the other model options (predict, eval, export). */
export const TIMEOUT_OPTION = { timeout: { type: 'string' } } as const;
export const TIMEOUT_USAGE = `  --timeout <ms>      fail a download that receives no byte for this long (default 30000, 0 = never;
                      env BROWSER_BERT_TIMEOUT_MS)`;

/** --timeout in ms (undefined: the loader's default, BROWSER_BERT_TIMEOUT_MS or 30 s). */
export function timeoutOption(value: string | undefined): number | undefined {
  return value === undefined ? undefined : intOption('timeout', value, 0, 0);
}

const INFERENCE: readonly InferenceChoice[] = ['auto', 'wasm-simd', 'tfjs'];

export const MODEL_USAGE = `  --model <dir|id>    a local model folder, a HuggingFace hub id org/name[@revision], or the http(s) URL
                      of a model folder on a web server (required)
  --revision <rev>    hub branch, tag or commit (default main)
  --max-length <N>    truncate texts to N tokens including [CLS]/[SEP] (default 128, at most the model's limit)
  --refresh           download the hub files again even if they are cached
  --inference <e>     frozen forward: auto (default: the wasm-simd kernel when the model suits it), wasm-simd, tfjs
  --threads <N>       kernel worker threads (default: the number of cores, at most 4)
${TIMEOUT_USAGE}

Hub endpoint: HF_ENDPOINT (default https://huggingface.co); private/gated models: HF_TOKEN.
Downloads are cached in BROWSER_BERT_CACHE (default ~/.cache/browser-bert); a cached model loads offline
(HF_HUB_OFFLINE=1: cache only, no requests).
Pin a commit sha (--revision) for reproducible runs: a cached branch is used as is until --refresh.`;

export interface ModelArgs {
  readonly model: string;
  readonly revision: string | undefined;
  readonly maxLength: number | undefined;
  readonly refresh: boolean;
  readonly inference: InferenceChoice;
  readonly threads: number | undefined;
  /** --timeout: stall time-out of downloads in ms. */
  readonly timeoutMs: number | undefined;
}

export function modelArgs(values: {
  model?: string | undefined;
  revision?: string | undefined;
  'max-length'?: string | undefined;
  refresh?: boolean | undefined;
  inference?: string | undefined;
  threads?: string | undefined;
  timeout?: string | undefined;
}): ModelArgs {
  if (!values.model) {
    throw new UsageError(
      '--model is required',
      'pass a model folder or a hub id, e.g. --model google/bert_uncased_L-2_H-128_A-2',
    );
  }
  const maxLength =
    values['max-length'] === undefined ? undefined : intOption('max-length', values['max-length'], 128, 2);
  const inference = (values.inference ?? 'auto') as InferenceChoice;
  if (!INFERENCE.includes(inference)) {
    throw new UsageError(
      `--inference ${values.inference} is not one of ${INFERENCE.join(', ')}`,
      'use --inference auto (the default) unless you are comparing engines',
    );
  }
  const threads = values.threads === undefined ? undefined : intOption('threads', values.threads, 1, 1, 64);
  return {
    model: values.model,
    revision: values.revision,
    maxLength,
    refresh: values.refresh === true,
    inference,
    threads,
    timeoutMs: timeoutOption(values.timeout),
  };
}

/** Refuses a --max-length above the model's limit instead of silently clamping it. */
export function checkMaxLength(requested: number | undefined, modelMax: number): void {
  if (requested !== undefined && requested > modelMax) {
    throw new UsageError(
      `--max-length ${requested} exceeds this model's limit of ${modelMax} tokens`,
      `use --max-length ${modelMax} or less`,
    );
  }
}

/**
 * Loads `--model` for a command: hub/folder/URL through the Node loader (HF_ENDPOINT, cache), download bars on
 * stderr, --max-length checked against the model, and a note when it is a random-init test checkpoint.
 * `source` overrides args.model (e.g. an absolute folder path).
 */
export async function loadModelForCommand(
  args: ModelArgs,
  env: NodeJS.ProcessEnv,
  progress: CliProgress,
  randomInitNote: string,
  source: string = args.model,
): Promise<LoadedModel> {
  const model = await loadNode(source, {
    env,
    revision: args.revision,
    refresh: args.refresh,
    onProgress: progress.file,
    inference: args.inference,
    ...(args.threads === undefined ? {} : { inferenceThreads: args.threads }),
    ...(args.maxLength === undefined ? {} : { maxLength: args.maxLength }),
    ...(args.timeoutMs === undefined ? {} : { stallTimeoutMs: args.timeoutMs }),
  });
  try {
    checkMaxLength(args.maxLength, model.tokenizer.settings.modelMaxLength);
  } catch (e) {
    model.dispose();
    throw e;
  }
  if (model.info.randomInit)
    progress.note(`note: ${model.info.source} is a random-init test checkpoint — ${randomInitNote}`);
  for (const w of model.info.warnings ?? []) progress.note(`note: ${w}`);
  return model;
}
