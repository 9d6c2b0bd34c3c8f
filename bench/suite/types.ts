/** Plain data shared by the Node runner, the browser page and the orchestrator. */
import type { Summary } from '../lib/stats';

export type EnvName = 'node' | 'chromium';

export const SECTIONS = [
  'tokenizer',
  'embed',
  'stages',
  'latency',
  'memory',
  'finetune',
  'ftkernel',
  'ftminilm',
  'minilm',
  'large',
  'profile',
  'labelling',
] as const;
export type Section = (typeof SECTIONS)[number];

/** A checkpoint as bytes (no I/O in the suite: Node reads files, the page fetches them). */
export interface ModelBytes {
  readonly shape: string;
  readonly configJson: unknown;
  readonly vocabTxt: string;
  readonly tokenizerConfig: unknown;
  readonly safetensors: Uint8Array;
  readonly onnx: Uint8Array | undefined;
}

export interface SuiteOptions {
  readonly rounds: number;
  readonly quick: boolean;
  readonly large: boolean;
  readonly sections: readonly Section[];
  /** TF.js wasm threads actually in use (1 in Node). */
  readonly tfThreads: number;
  readonly ortThreads: number;
  /** Run the tutorial baseline on every `tutorialStride`-th text only (1 = all texts) and extrapolate. */
  readonly tutorialStride: number;
}

export interface Row {
  readonly section: Section | 'info';
  readonly name: string;
  /** Matches rows across environments when the name differs (defaults to name). */
  readonly key?: string;
  /** What the table shows for this environment. */
  readonly display: string;
  readonly ms?: Summary;
  readonly value?: number;
  readonly unit?: string;
  readonly note?: string;
  readonly na?: boolean;
}

export interface EnvInfo {
  readonly env: EnvName;
  readonly backend: string;
  readonly tfThreads: number;
  readonly simd: boolean;
  readonly multithread: boolean;
  readonly crossOriginIsolated?: boolean;
  readonly ort?: { readonly version: string; readonly threads: number; readonly simd: boolean } | undefined;
  readonly userAgent?: string;
}

export interface EnvResult {
  readonly info: EnvInfo;
  readonly rows: Row[];
  readonly profile?: unknown;
}
