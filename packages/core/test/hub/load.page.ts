// Page script for load.browser.test.ts (bundled by esbuild; runs in Chromium): the hub path with the Cache API.
import { useBackend } from '../../src/runtime/backend';
import { embedTexts } from '../../src/features';
import { HubError } from '../../src/errors';
import { BROWSER_CACHE_NAME, createBrowserCache } from '../../src/hub/cache-api';
import { listCachedModels, removeCachedModel } from '../../src/hub/cache';
import { load } from '../../src/hub/load';
import type { FileProgress } from '../../src/hub/types';

const g = globalThis as unknown as { __done?: unknown; __result?: unknown };
const TEXTS = ['Hello, World!', 'Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005.', 'Nah'];

async function run(): Promise<Record<string, unknown>> {
  await useBackend('wasm', { wasmPaths: new URL('./wasm/', location.href).href });
  await caches.delete(BROWSER_CACHE_NAME);
  const endpoint = `${location.origin}/hub`;
  const events: FileProgress[] = [];
  const m = await load('org/st', { endpoint, onProgress: (p) => events.push(p) });
  let embedding: number[];
  try {
    const e = await embedTexts(m.encoder, m.tokenizer.encodeBatch(TEXTS), { pooling: 'mean' });
    embedding = Array.from(e.data);
  } finally {
    m.dispose();
  }
  const cache = createBrowserCache();
  const cachedAfterFirst = (await listCachedModels(cache)).map((c) => ({
    repo: c.repo,
    revision: c.revision,
    size: c.size,
    files: c.files.length,
  }));

  // Offline: every fetch fails; the Cache API has everything (also with refresh: true).
  const offlineFetch = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
  const offlineEvents: FileProgress[] = [];
  const off = await load('org/st', { endpoint, fetch: offlineFetch, onProgress: (p) => offlineEvents.push(p) });
  const offlineHash = off.info.weightsHash;
  off.dispose();
  const refreshed = await load('org/st', { endpoint, fetch: offlineFetch, refresh: true });
  refreshed.dispose();
  let coldOffline = '';
  try {
    await load('org/bin', { endpoint, fetch: offlineFetch });
  } catch (e) {
    coldOffline = (e as Error).message;
  }

  // A transfer cut midway (the test server is told to cut org/bin's pytorch_model.bin).
  let cut: { name: string; code: string; message: string } | undefined;
  try {
    (await load('org/bin', { endpoint })).dispose();
  } catch (e) {
    cut = { name: (e as Error).name, code: e instanceof HubError ? e.code : '', message: (e as Error).message };
  }
  const keysAfterCut = (await cache.list()).map((e) => e.key);

  // Local sources: a directory handle (OPFS stands in for showDirectoryPicker) and picked File objects.
  const names = [
    'config.json',
    'vocab.txt',
    'tokenizer_config.json',
    'model.safetensors',
    'modules.json',
    '1_Pooling/config.json',
  ];
  const bytes = await Promise.all(
    names.map(
      async (n) => new Uint8Array(await (await fetch(`${endpoint}/org/st-model/resolve/main/${n}`)).arrayBuffer()),
    ),
  );
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle('st-model', { create: true });
  for (let i = 0; i < names.length; i++) {
    const parts = names[i]!.split('/');
    let d = dir;
    for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p, { create: true });
    const w = await (await d.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
    await w.write(bytes[i]!);
    await w.close();
  }
  const fromDir = await load({ directory: dir });
  const directoryInfo = fromDir.info;
  fromDir.dispose();
  const files = names.map((n, i) => {
    const f = new File([bytes[i]!], n.split('/').at(-1)!);
    Object.defineProperty(f, 'webkitRelativePath', { value: `picked/${n}` });
    return f;
  });
  const fromFiles = await load({ files });
  const filesInfo = fromFiles.info;
  fromFiles.dispose();
  const freed = await removeCachedModel(cache, { repo: 'org/st' });
  const afterRemove = (await listCachedModels(cache)).map((c) => c.repo);
  return {
    info: m.info,
    ids: Array.from(m.tokenizer.encode(TEXTS[0]!).inputIds),
    embedding,
    events: events.filter((e) => e.done).map((e) => [e.file, e.loaded, e.total, e.fromCache]),
    cachedAfterFirst,
    offlineHash,
    offlineFromCache: offlineEvents.length > 0 && offlineEvents.every((e) => e.fromCache),
    coldOffline,
    cut,
    keysAfterCut,
    freed,
    afterRemove,
    directoryInfo,
    filesInfo,
  };
}

run().then(
  (r) => {
    g.__result = r;
    g.__done = true;
  },
  (e: unknown) => {
    g.__done = String((e as Error).stack ?? e);
  },
);
