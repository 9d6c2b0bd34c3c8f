/** The checks every forward (TF.js or kernel) makes on a padded batch before running it. */
import type { BertConfig } from '../config/types.ts';
import { UsageError } from '../errors.ts';
import type { PaddedBatch } from './types.ts';

/** Throws a UsageError naming the problem when a padded batch does not fit the model (sizes, ids, token types). */
export function checkBatch(batch: PaddedBatch, c: BertConfig): void {
  const { batchSize: B, seqLen: S } = batch;
  if (!(Number.isInteger(B) && B > 0 && Number.isInteger(S) && S > 0)) {
    throw new UsageError(`A padded batch needs batchSize ≥ 1 and seqLen ≥ 1, got ${B}×${S}`);
  }
  if (S > c.maxPositionEmbeddings) {
    throw new UsageError(
      `Sequence length ${S} exceeds the model's max_position_embeddings ${c.maxPositionEmbeddings}`,
      `truncate texts to at most ${c.maxPositionEmbeddings} tokens (tokenizer maxLength)`,
    );
  }
  const n = B * S;
  if (batch.inputIds.length !== n || batch.tokenTypeIds.length !== n || batch.attentionMask.length !== n) {
    throw new UsageError(`A padded batch of ${B}×${S} needs ${n} ids, token types and mask values`);
  }
  for (let i = 0; i < n; i++) {
    const id = batch.inputIds[i]!;
    if (id < 0 || id >= c.vocabSize) {
      throw new UsageError(
        `Token id ${id} is outside the model's vocabulary (vocab_size ${c.vocabSize})`,
        'use the tokenizer that belongs to this model',
      );
    }
    const tt = batch.tokenTypeIds[i]!;
    if (tt < 0 || tt >= c.typeVocabSize) {
      throw new UsageError(`Token type ${tt} is outside [0, type_vocab_size=${c.typeVocabSize})`);
    }
  }
}
