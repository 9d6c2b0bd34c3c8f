/**
 * Each kernel worker's weights at init (protocol.ts: init.weights, init.words) when they are packed on the calling
 * thread, for the inference engine and the trainer.
 */
import { WORD_EMBEDDINGS } from '../encoder/weight-map.ts';
import { inSharedMemory } from '../util/shared-memory.ts';
import type { KernelWeightValues } from './engine.ts';
import { packEncoderImage, WORD_SLOT } from './pack.ts';
import type { KernelInitWeights } from './protocol.ts';

/** Worker w's init: its weights, the shared word table, what is transferred. */
export type Inits = (w: number) => {
  readonly weights: KernelInitWeights;
  readonly words: Float32Array | undefined;
  readonly transfer: Transferable[];
};

/**
 * Weight values packed here, once, into one image: each worker but the last gets a copy of it, the last the image
 * itself (all transferred), so the calling thread makes no more copies than there are workers. Call `inits(w)` for
 * w = 0 … threads − 1 in order. Where memory can be shared, every worker reads one copy of the word table (the
 * largest weight by far in small BERTs: 89 % of bert-tiny) instead of holding its own: the encoder's own table when
 * it is shared already.
 */
export async function packedInits(model: KernelWeightValues, share: boolean, threads: number): Promise<Inits> {
  const table = model.wordEmbeddings!;
  const values = new Map(await model.values());
  values.set(WORD_EMBEDDINGS, table);
  let packed: ReturnType<typeof packEncoderImage> | undefined = packEncoderImage(
    model.config,
    values,
    model.hasPooler,
    share ? WORD_SLOT : undefined,
  );
  values.clear();
  const words = share ? inSharedMemory(table) : undefined;
  return (w) => {
    if (packed === undefined) throw new Error(`packedInits: worker ${w} asked after the last worker's init`);
    const { slots } = packed;
    const image = w === threads - 1 ? packed.image : packed.image.slice();
    if (w === threads - 1) packed = undefined;
    return { weights: { kind: 'packed', image, slots }, words, transfer: [image.buffer] };
  };
}
