/** The size of a pooled vector (pure: the TF.js-free runtime needs it too). */
import type { ClassifierPooling } from '../vocabulary.ts';

/** Poolings computed from last_hidden_state alone ('pooler' needs the encoder's own pooler output). */
export type HiddenPooling = Exclude<ClassifierPooling, 'pooler'>;

/** The tutorial's fixed length for 'flatten'. */
export const DEFAULT_FLATTEN_LENGTH = 128;

/** Output width of a pooling for a model of this hidden size. */
export function pooledDim(kind: ClassifierPooling, hiddenSize: number, flattenLength = DEFAULT_FLATTEN_LENGTH): number {
  return kind === 'flatten' ? flattenLength * hiddenSize : hiddenSize;
}
