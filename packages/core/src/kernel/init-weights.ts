/**
 * Each kernel worker's weights at init (protocol.ts: init.weights, init.words) when they are packed on the calling
 * thread, for the inference engine and the trainer.
 */
import { WORD_EMBEDDINGS } from '../encoder/weight-map.ts';
import { inSharedMemory } from '../util/shared-memory.ts';
import type { KernelWeightValues } from './engine.ts';
import { packEncoderWeights, weightImage, WORD_SLOT } from './pack.ts';
import type { KernelInitWeights } from './protocol.ts';

/** Worker w's init: its weights, the shared word table, what is transferred. */
export type Inits = (w: number) => {
  readonly weights: KernelInitWeights;
  readonly words: Float32Array | undefined;
  readonly transfer: Transferable[];
};

/**
 * Weight values packed here: one image per worker (transferred). Where memory can be shared, every worker reads one
 * copy of the word table (the largest weight by far in small BERTs: 89 % of bert-tiny) instead of holding its own:
 * the encoder's own table when it is shared already.
 */
export async function packedInits(model: KernelWeightValues, share: boolean): Promise<Inits> {
  const table = model.wordEmbeddings!;
  const values = new Map(await model.values());
  values.set(WORD_EMBEDDINGS, table);
  let weights = packEncoderWeights(model.config, values, model.hasPooler);
  let words: Float32Array | undefined;
  if (share) {
    words = inSharedMemory(table);
    weights = weights.filter((w) => w.kind !== WORD_SLOT);
  }
  return () => {
    const { image, slots } = weightImage(weights);
    return { weights: { kind: 'packed', image, slots }, words, transfer: [image.buffer] };
  };
}
