/** Tokenizing a whole text list in chunks, yielding to the event loop between them (progress, cancel). */
import type { Encoding, Tokenizer } from '../tokenizer/types.ts';
import { createYielder } from '../util/yield.ts';

const CHUNK = 256;

export async function tokenizeTexts(
  tokenizer: Tokenizer,
  texts: readonly string[],
  options: {
    readonly maxLength: number;
    readonly signal?: AbortSignal | undefined;
    readonly onProgress?: ((done: number, total: number) => void) | undefined;
  },
): Promise<Encoding[]> {
  const out: Encoding[] = [];
  const yielder = createYielder(options.signal);
  options.onProgress?.(0, texts.length);
  for (let i = 0; i < texts.length; i += CHUNK) {
    await yielder.maybeYield();
    out.push(...tokenizer.encodeBatch(texts.slice(i, i + CHUNK), { maxLength: options.maxLength }));
    options.onProgress?.(Math.min(i + CHUNK, texts.length), texts.length);
  }
  return out;
}
