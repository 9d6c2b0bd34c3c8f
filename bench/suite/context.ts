/** What every section gets: the corpus, the models, ORT (when present), options, a logger and memory probes. */
import type { Classifier, Encoding, FeatureCache, KernelSpawner } from '@browser-bert/core';
import type { Ort } from './ort';
import type { Pipeline } from './pipeline';
import type { EnvName, ModelBytes, Row, SuiteOptions } from './types';

export interface MemorySample {
  /** Bytes by probe name (Node: rss, heapUsed, external, arrayBuffers, maxRss; Chromium: jsHeapUsed, wasmHeap). */
  readonly [probe: string]: number;
}

export interface SuiteContext {
  readonly env: EnvName;
  readonly texts: readonly string[];
  readonly labels: readonly string[];
  readonly models: { readonly tiny: ModelBytes; readonly minilm: ModelBytes | undefined };
  readonly ort: Ort | undefined;
  readonly opts: SuiteOptions;
  log(message: string): void;
  memory(): MemorySample;
  /** CPU ms used so far by this process / the page's renderer (all threads); undefined when not measurable. */
  /** How kernel workers start here (Node: worker_threads); undefined = web Workers. */
  readonly kernelSpawner?: KernelSpawner | undefined;
  readonly cpu: (() => number | Promise<number>) | undefined;
  /** Peak resident memory so far of this process / the page's renderer (bytes); undefined when not measurable. */
  readonly peakRss: (() => number | Promise<number>) | undefined;
  /** Other labelled corpora (Node: SpamAssassin, read from node_modules, when the labelling section runs). */
  readonly extraCorpora?: { readonly spamAssassin?: { readonly texts: string[]; readonly labels: string[] } };
  /** Where sections may keep pooled features between runs (Node: a folder under .cache/bench); none = no cache. */
  readonly featureCache?: FeatureCache | undefined;
  /** Filled by the sections as they go, shared so later sections reuse the tokenization. */
  state: { pipeline?: Pipeline; encodings?: Encoding[]; classifier?: Classifier | undefined };
  rows: Row[];
}
