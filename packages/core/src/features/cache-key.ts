/** The feature cache's key: a hash of everything that determines a feature matrix. */
import { sha256Hex } from '../util/hash.ts';

/** What determines a feature matrix. */
export interface FeatureKeyParts {
  /** ModelInfo.weightsHash (identifies the weights whatever the source). */
  readonly weightsHash: string;
  readonly revision: string | undefined;
  readonly tokenizerFingerprint: string;
  readonly maxLength: number;
  readonly pooling: string;
  readonly normalize: boolean;
  readonly texts: readonly string[];
}

/** Cache key: sha256 over the parts; each text length-prefixed so no separator can be forged by a text. */
export async function featureCacheKey(parts: FeatureKeyParts): Promise<string> {
  const head = JSON.stringify({
    v: 1,
    w: parts.weightsHash,
    r: parts.revision ?? null,
    t: parts.tokenizerFingerprint,
    m: parts.maxLength,
    p: parts.pooling,
    n: parts.normalize,
    count: parts.texts.length,
  });
  let body = head;
  for (const t of parts.texts) body += `\n${t.length}:${t}`;
  return sha256Hex(new TextEncoder().encode(body));
}
