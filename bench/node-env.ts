/** The suite in Node: tfjs wasm backend (single-threaded in Node), ORT web wasm with the same thread count. */
import * as tf from '@tensorflow/tfjs-core';
import path from 'node:path';
import {
  createFolderFeatureCache,
  initNodeBackend,
  loadSpamAssassin,
  nodeKernelSpawner,
} from '@browser-bert/core/node';
import { cacheDir } from './lib/models';
import type { Corpus } from './lib/data';
import type { ModelFiles } from './lib/models';
import { readFileSync } from 'node:fs';
import type { SuiteContext } from './suite/context';
import { runSuite } from './suite/run-suite';
import type { EnvResult, ModelBytes, SuiteOptions } from './suite/types';

function bytesOf(m: ModelFiles): ModelBytes {
  return {
    shape: m.shape,
    configJson: m.configJson,
    vocabTxt: m.vocabTxt,
    tokenizerConfig: m.tokenizerConfig,
    safetensors: m.safetensors,
    onnx: m.onnxPath ? new Uint8Array(readFileSync(m.onnxPath)) : undefined,
  };
}

export async function runNode(
  corpus: Corpus,
  tiny: ModelFiles,
  minilm: ModelFiles | undefined,
  opts: Omit<SuiteOptions, 'tfThreads' | 'ortThreads'>,
  log: (m: string) => void,
): Promise<EnvResult> {
  const backend = await initNodeBackend('wasm');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  const multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
  let ort: SuiteContext['ort'];
  try {
    ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
  } catch (e) {
    log(`onnxruntime-web not available in Node: ${(e as Error).message}`);
  }
  let extraCorpora: SuiteContext['extraCorpora'];
  if (opts.sections.includes('labelling')) {
    try {
      const sa = await loadSpamAssassin();
      extraCorpora = { spamAssassin: { texts: sa.texts, labels: sa.labels } };
      log(`SpamAssassin: ${sa.texts.length} messages`);
    } catch (e) {
      log(`SpamAssassin corpus not available: ${(e as Error).message}`);
    }
  }
  const ctx: SuiteContext = {
    extraCorpora,
    featureCache: createFolderFeatureCache(path.join(cacheDir, 'features')),
    env: 'node',
    texts: corpus.texts,
    labels: corpus.labels,
    models: { tiny: bytesOf(tiny), minilm: minilm ? bytesOf(minilm) : undefined },
    ort,
    kernelSpawner: nodeKernelSpawner,
    opts: { ...opts, tfThreads: 1, ortThreads: 1 },
    log,
    memory: () => {
      const m = process.memoryUsage();
      return {
        rss: m.rss,
        heapUsed: m.heapUsed,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        maxRss: process.resourceUsage().maxRSS * 1024,
      };
    },
    cpu: () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    },
    peakRss: () => process.resourceUsage().maxRSS * 1024,
    state: {},
    rows: [],
  };
  const { rows, extra } = await runSuite(ctx);
  return {
    info: {
      env: 'node',
      backend,
      tfThreads: 1,
      simd,
      multithread,
      ort: ort ? { version: ort.env.versions.web ?? '?', threads: 1, simd: true } : undefined,
    },
    rows,
    profile: extra,
  };
}
