/** Where the Node stores live by default: $BROWSER_BERT_CACHE, else ~/.cache/browser-bert. */
import os from 'node:os';
import path from 'node:path';

/** Root of the model cache (downloaded hub files). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.BROWSER_BERT_CACHE;
  return dir && dir.trim() !== '' ? path.resolve(dir) : path.join(os.homedir(), '.cache', 'browser-bert');
}

/** The feature cache's folder, inside the cache root. */
export function defaultFeatureCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultCacheDir(env), 'features');
}
