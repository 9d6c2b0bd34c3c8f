/**
 * A model's pooled features for a text list, from the feature cache when this model, tokenizer, length, pooling and
 * text list were embedded before, else tokenized and embedded (and stored). The frozen-encoder training path.
 */
import type { FeatureMatrix } from '../head/types.ts';
import type { FeatureCache } from '../io/feature-cache.ts';
import type { LoadedModel } from '../model/types.ts';
import type { ClassifierPooling } from '../vocabulary.ts';
import { featureCacheKey } from './cache-key.ts';
import { embedTexts } from './embed.ts';
import { tokenizeTexts } from './tokenize.ts';

export interface CachedFeaturesOptions {
  readonly pooling: ClassifierPooling;
  readonly normalize: boolean;
  readonly maxLength: number;
  readonly batchSize: number;
  /** 'flatten' only: the fixed padded length. */
  readonly flattenLength?: number | undefined;
  readonly cache?: FeatureCache | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onTokenize?: ((done: number, total: number) => void) | undefined;
  readonly onEmbed?: ((done: number, total: number) => void) | undefined;
}

export interface CachedFeatures {
  readonly features: FeatureMatrix;
  /** True when the cache answered (the encoder did not run). */
  readonly cached: boolean;
  /** Milliseconds spent tokenizing and embedding (0 when cached). */
  readonly tokenizeMs: number;
  readonly embedMs: number;
}

export async function cachedFeatures(
  model: LoadedModel,
  texts: readonly string[],
  o: CachedFeaturesOptions,
): Promise<CachedFeatures> {
  const key = await featureCacheKey({
    weightsHash: model.info.weightsHash,
    revision: model.info.revision,
    tokenizerFingerprint: model.tokenizer.fingerprint,
    maxLength: o.maxLength,
    pooling: o.pooling,
    normalize: o.normalize,
    texts,
  });
  const hit = o.cache ? await o.cache.get(key) : undefined;
  if (hit && hit.count === texts.length) {
    return { features: { dim: hit.dim, data: hit.data }, cached: true, tokenizeMs: 0, embedMs: 0 };
  }
  const t0 = performance.now();
  const encodings = await tokenizeTexts(model.tokenizer, texts, {
    maxLength: o.maxLength,
    signal: o.signal,
    onProgress: o.onTokenize,
  });
  const t1 = performance.now();
  const features = await embedTexts(model.encoder, encodings, {
    pooling: o.pooling,
    normalize: o.normalize,
    batchSize: o.batchSize,
    ...(o.flattenLength === undefined ? {} : { flattenLength: o.flattenLength }),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onEmbed ? { onProgress: o.onEmbed } : {}),
  });
  const t2 = performance.now();
  if (o.cache) await o.cache.put(key, { dim: features.dim, count: texts.length, data: features.data });
  return { features, cached: false, tokenizeMs: t1 - t0, embedMs: t2 - t1 };
}
