/**
 * Feature cache: pooled encoder features of a whole text list, keyed by everything that determines them
 * (model weights + revision, tokenizer fingerprint, max length, pooling, normalisation, the texts). Re-training with
 * other head settings (or another seed: the key is over the de-duplicated text list, before the split) finds the
 * features here and never runs the encoder. Keys come from features/cache-key.ts. Implementations: memory (this
 * file), IndexedDB (feature-cache-idb.ts), Node folder (node/feature-cache.ts).
 */
export interface FeatureEntry {
  /** Floats per text. */
  readonly dim: number;
  /** Texts (rows). */
  readonly count: number;
  /** Row-major [count, dim]. */
  readonly data: Float32Array;
}

export interface FeatureCacheStats {
  readonly entries: number;
  readonly bytes: number;
  /** Lookups answered / not answered since this cache object was created. */
  readonly hits: number;
  readonly misses: number;
}

export interface FeatureCache {
  get(key: string): Promise<FeatureEntry | undefined>;
  put(key: string, entry: FeatureEntry): Promise<void>;
  clear(): Promise<void>;
  stats(): Promise<FeatureCacheStats>;
}

export function checkEntry(key: string, e: FeatureEntry): void {
  if (!(e.dim > 0) || e.data.length !== e.dim * e.count) {
    throw new RangeError(`feature cache entry ${key}: ${e.data.length} floats is not ${e.count} × ${e.dim}`);
  }
}

/** In-memory cache (tests, one session). */
export function createMemoryFeatureCache(): FeatureCache {
  const map = new Map<string, FeatureEntry>();
  let hits = 0;
  let misses = 0;
  return {
    async get(key) {
      const e = map.get(key);
      if (e) hits++;
      else misses++;
      return e && { ...e, data: e.data.slice() };
    },
    async put(key, entry) {
      checkEntry(key, entry);
      map.set(key, { ...entry, data: entry.data.slice() });
    },
    async clear() {
      map.clear();
    },
    async stats() {
      let bytes = 0;
      for (const e of map.values()) bytes += e.data.byteLength;
      return { entries: map.size, bytes, hits, misses };
    },
  };
}
