/** Backend start-up, model loading and the model cache. */
import * as tf from '@tensorflow/tfjs-core';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  createBrowserCache,
  hasCacheApi,
  listCachedModels,
  load,
  removeCachedModel,
  useBackend,
  createMemorySource,
  loadFromSource,
  UsageError,
  type LoadedModel,
  type ModelCache,
} from './core';
import { pickedSources, replaceModel, state, type OpContext } from './context';
import type {
  BackendInfo,
  BackendPref,
  CachedModelMsg,
  FileProgressMsg,
  ModelSourceMsg,
  ModelSummary,
} from './protocol';

// The wasm binaries are bundled by Vite (no CDN at run time) and passed to tfjs by file name.
const WASM_PATHS: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
};

async function webgpuAvailable(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

export async function initBackend(pref: BackendPref, threads: number | undefined): Promise<BackendInfo> {
  const gpu = await webgpuAvailable();
  // 'auto' skips WebGPU when no adapter exists instead of failing through it.
  const choice = pref === 'auto' && !gpu ? 'wasm' : pref;
  let backend: string;
  try {
    backend = await useBackend(choice, {
      wasmPaths: WASM_PATHS,
      threads: threads ?? Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8)),
    });
  } catch (e) {
    if (pref !== 'auto') throw e;
    backend = await useBackend('auto', { wasmPaths: WASM_PATHS });
  }
  const info: BackendInfo = {
    backend,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    simd: backend === 'wasm' ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : undefined,
    threads:
      backend === 'wasm'
        ? (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))
          ? Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8))
          : 1
        : undefined,
    webgpuAvailable: gpu,
  };
  state.backend = info;
  return info;
}

let cache: ModelCache | undefined;
function modelCache(): ModelCache | undefined {
  if (!hasCacheApi()) return undefined;
  return (cache ??= createBrowserCache());
}

export async function loadModel(source: ModelSourceMsg, ctx: OpContext<FileProgressMsg>): Promise<ModelSummary> {
  const t0 = performance.now();
  const model = await openModel(source, ctx);
  // Only a complete, valid model replaces the current one.
  replaceModel(model);
  return modelSummary(model, performance.now() - t0);
}

/** Loads a model (with per-file progress) without making it the current one. */
export async function openModel(source: ModelSourceMsg, ctx: OpContext<FileProgressMsg>): Promise<LoadedModel> {
  const last = new Map<string, number>();
  const onProgress = (p: FileProgressMsg) => {
    ctx.checkCancel();
    const now = performance.now();
    // At most ~10 messages per second per file, plus the final one.
    if (!p.done && now - (last.get(p.file) ?? 0) < 100) return;
    last.set(p.file, now);
    ctx.progress({ file: p.file, loaded: p.loaded, total: p.total, done: p.done, fromCache: p.fromCache });
  };
  const common = { onProgress, signal: ctx.signal };
  const model =
    source.kind === 'hub'
      ? await load(
          { hub: source.id, revision: source.revision },
          { ...common, endpoint: source.endpoint, cache: modelCache() ?? false },
        )
      : source.kind === 'files'
        ? await load({ files: source.files }, common)
        : source.kind === 'builtin'
          ? await loadBuiltin(source, ctx)
          : await load({ directory: source.handle }, common);
  if (source.kind === 'files' || source.kind === 'directory') pickedSources.add(model.info.source);
  return model;
}

/** A model folder shipped with the app: its files fetched from the app's own origin, assembled from memory. */
async function loadBuiltin(
  source: Extract<ModelSourceMsg, { kind: 'builtin' }>,
  ctx: OpContext<FileProgressMsg>,
): Promise<LoadedModel> {
  const base = new URL(source.url, self.location.href);
  if (base.origin !== self.location.origin) throw new UsageError('A built-in model must come from the app itself');
  const files: Record<string, Uint8Array> = {};
  for (const name of source.files) {
    const res = await fetch(new URL(name, base), { signal: ctx.signal });
    if (!res.ok) {
      throw new UsageError(
        `The built-in ${source.name} is missing ${name} (HTTP ${res.status})`,
        'rebuild the app (npm run build generates it) or load another model',
      );
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    files[name] = bytes;
    ctx.progress({ file: name, loaded: bytes.byteLength, total: bytes.byteLength, done: true, fromCache: false });
  }
  return loadFromSource(createMemorySource(files, source.name), { signal: ctx.signal });
}

/** What the Model step shows of a loaded model. */
export function modelSummary(model: LoadedModel, loadMs: number): ModelSummary {
  const c = model.config;
  return {
    source: model.info.source,
    revision: model.info.revision,
    weightsFormat: model.info.weightsFormat,
    weightsHash: model.info.weightsHash,
    randomInit: model.info.randomInit,
    defaultPooling: model.info.defaultPooling,
    hasPooler: model.encoder.hasPooler,
    hiddenSize: c.hiddenSize,
    layers: c.numHiddenLayers,
    heads: c.numAttentionHeads,
    vocabSize: c.vocabSize,
    maxPositions: c.maxPositionEmbeddings,
    inference: model.encoder.inference
      ? `wasm-simd kernel · ${model.encoder.inference.threads} workers`
      : 'TF.js forward',
    loadMs,
  };
}

export async function listCache(endpoint: string): Promise<CachedModelMsg[]> {
  const c = modelCache();
  if (!c) return [];
  const base = endpoint.replace(/\/+$/, '');
  return (await listCachedModels(c))
    .filter((m) => m.endpoint === base)
    .map((m) => ({ id: m.repo, revision: m.revision, bytes: m.size, files: m.files.length }));
}

export async function removeCache(endpoint: string, id: string, revision: string): Promise<CachedModelMsg[]> {
  const c = modelCache();
  if (c) await removeCachedModel(c, { repo: id, revision, endpoint });
  return listCache(endpoint);
}
