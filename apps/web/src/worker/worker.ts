/// <reference lib="webworker" />
/**
 * The training worker: all TF.js work happens here, so the page never blocks. Requests are handled one at a
 * time in arrival order, except `cancel`, which is handled at once (the long operations yield between batches).
 */
import { CancelledError } from './core';
import { state, type OpContext } from './context';
import { toErrorMsg } from './errors';
import { initBackend, listCache, loadModel, removeCache } from './ops-model';
import { loadDataset } from './ops-data';
import { estimateTraining } from './ops-estimate';
import { addExample, renameLabels, scoreFile } from './ops-reuse';
import { curves, predict, train, trainDefaults } from './ops-train';
import { bundleSizes, deleteSaved, exportZip, listSaved, loadBundle, loadSaved, save } from './ops-classifier';
import {
  labelAct,
  labelDiscard,
  labelExport,
  labelImport,
  labelPage,
  labelResume,
  labelStart,
  labelStored,
} from './ops-label';
import { exportDeploy } from './ops-export';
import type { OpName, Operations, Request, RequestOf, Response } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const CANCEL_SLOTS = 256;
let cancelFlags: Int32Array | undefined;
const controllers = new Map<number, AbortController>();

function post(msg: Response, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

function context<K extends OpName>(
  req: RequestOf<K>,
  controller: AbortController,
): OpContext<Operations[K]['progress']> {
  const slot = req.id % CANCEL_SLOTS;
  const checkCancel = () => {
    if (cancelFlags && Atomics.load(cancelFlags, slot) === 1 && !controller.signal.aborted)
      controller.abort(new CancelledError());
  };
  return {
    id: req.id,
    signal: controller.signal,
    checkCancel,
    progress: (p) => {
      checkCancel();
      post({ id: req.id, type: 'progress', op: req.type, progress: p } as Response);
    },
  };
}

async function handle(
  req: Request,
  ctx: OpContext<never> & OpContext<unknown>,
): Promise<{ result: unknown; transfer?: Transferable[] }> {
  switch (req.type) {
    case 'init':
      if (req.cancelFlags) cancelFlags = new Int32Array(req.cancelFlags);
      return { result: await initBackend(req.backend, req.wasmThreads) };
    case 'load':
      return { result: await loadModel(req.source, ctx) };
    case 'listCache':
      return { result: await listCache(req.endpoint) };
    case 'removeCache':
      return { result: await removeCache(req.endpoint, req.id, req.revision) };
    case 'dataset':
      return { result: await loadDataset(req.source, req.options) };
    case 'train':
      return { result: await train(req.options, ctx) };
    case 'trainDefaults':
      return { result: trainDefaults(req.fineTuneLayers) };
    case 'curves':
      return { result: await curves() };
    case 'predict':
      return { result: await predict(req.texts) };
    case 'save':
      return { result: await save(req.name, req.includeEncoder) };
    case 'bundleSizes':
      return { result: await bundleSizes() };
    case 'listSaved':
      return { result: await listSaved() };
    case 'loadSaved':
      return { result: await loadSaved(req.name, req.endpoint, ctx) };
    case 'deleteSaved':
      return { result: await deleteSaved(req.name) };
    case 'loadBundle':
      return { result: await loadBundle(req.bytes, req.name, req.endpoint, ctx) };
    case 'exportZip': {
      const r = await exportZip(req.includeEncoder);
      return { result: r, transfer: [r.bytes] };
    }
    case 'estimate':
      return { result: await estimateTraining(req.options, ctx) };
    case 'renameLabels':
      return { result: await renameLabels(req.labels) };
    case 'scoreFile':
      return { result: await scoreFile(req.file, ctx.signal) };
    case 'addExample':
      return { result: addExample(req.text, req.label) };
    case 'labelStart':
      return { result: await labelStart(req.source, req.classes, ctx) };
    case 'labelResume':
      return { result: await labelResume(ctx) };
    case 'labelStored':
      return { result: await labelStored() };
    case 'labelAct':
      return { result: await labelAct(req.action) };
    case 'labelPage':
      return { result: labelPage(req.offset, req.limit, req.filter) };
    case 'labelImport':
      return { result: await labelImport(req.file) };
    case 'labelExport':
      return { result: await labelExport(req.format, req.labelledOnly) };
    case 'labelDiscard':
      return { result: await labelDiscard() };
    case 'exportDeploy': {
      const r = await exportDeploy(req.format, req.dtype);
      return { result: r, transfer: [r.bytes] };
    }
    case 'cancel': {
      const c = controllers.get(req.target);
      c?.abort(new CancelledError());
      return { result: { cancelled: c !== undefined } };
    }
    default: {
      const never: never = req;
      throw new Error(`unknown request ${JSON.stringify(never)}`);
    }
  }
}

// One operation at a time (the TF.js backend and the state are shared), cancel and predict-while-idle excepted.
let queue: Promise<void> = Promise.resolve();

async function run(req: Request, controller: AbortController): Promise<void> {
  const ctx = context(req, controller) as OpContext<never> & OpContext<unknown>;
  try {
    ctx.checkCancel();
    if (controller.signal.aborted) throw new CancelledError();
    if (state.backend === undefined && req.type !== 'init' && req.type !== 'cancel') {
      await initBackend('auto', undefined);
    }
    const { result, transfer } = await handle(req, ctx);
    post({ id: req.id, type: 'result', op: req.type, result } as Response, transfer);
  } catch (e) {
    post({ id: req.id, type: 'error', op: req.type, error: toErrorMsg(e) });
  } finally {
    controllers.delete(req.id);
    if (cancelFlags) Atomics.store(cancelFlags, req.id % CANCEL_SLOTS, 0);
  }
}

self.onmessage = (ev: MessageEvent<Request>) => {
  const req = ev.data;
  // Registered on arrival, so a request can be cancelled while it still waits in the queue.
  const controller = new AbortController();
  controllers.set(req.id, controller);
  if (req.type === 'cancel') {
    void run(req, controller);
    return;
  }
  queue = queue.then(() => run(req, controller));
};
