/**
 * Words every layer shares, defined once: the pooling modes and the marker that labels random-init test
 * checkpoints. Lowest layer (imports nothing), so the manifest, the encoder, training, the CLI and the app all use
 * the same spelling.
 */

/** How a classifier turns an encoder's token vectors into one vector per text. 'flatten' is the tutorial's baseline. */
export const CLASSIFIER_POOLINGS = ['mean', 'cls', 'pooler', 'flatten'] as const;
export type ClassifierPooling = (typeof CLASSIFIER_POOLINGS)[number];

/** What the embedding stage can return per text: a classifier pooling, or 'none' (the vector of every real token). */
export const POOLINGS = [...CLASSIFIER_POOLINGS, 'none'] as const;
export type Pooling = (typeof POOLINGS)[number];

/** Poolings a model folder can declare as its intended one (sentence-transformers `1_Pooling`), else 'mean'. */
export type ModelPooling = Exclude<ClassifierPooling, 'flatten'>;

export function isClassifierPooling(value: unknown): value is ClassifierPooling {
  return (CLASSIFIER_POOLINGS as readonly unknown[]).includes(value);
}

/** Key and value that mark a random-init checkpoint (config.json, safetensors metadata, bundle encoders). */
export const RANDOM_INIT_KEY = 'browser_bert_fixture';
export const RANDOM_INIT_VALUE = 'random-init';
export const RANDOM_INIT_MARKER: Readonly<Record<typeof RANDOM_INIT_KEY, typeof RANDOM_INIT_VALUE>> = {
  [RANDOM_INIT_KEY]: RANDOM_INIT_VALUE,
};

/** True when a parsed config.json or a weights file's metadata carries the random-init marker. */
export function hasRandomInitMarker(record: unknown): boolean {
  return (
    typeof record === 'object' &&
    record !== null &&
    (record as Record<string, unknown>)[RANDOM_INIT_KEY] === RANDOM_INIT_VALUE
  );
}
