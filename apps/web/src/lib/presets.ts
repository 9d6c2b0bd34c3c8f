/** Model presets shown first in the Model step (ids on the HuggingFace hub; sizes are the float32 weights). */
export interface ModelPreset {
  readonly key: string;
  readonly id: string;
  readonly name: string;
  readonly note: string;
}

export const PRESETS: readonly ModelPreset[] = [
  {
    key: 'tiny',
    id: 'google/bert_uncased_L-2_H-128_A-2',
    name: 'bert-tiny',
    note: '2 layers · 128 hidden · ~17 MB · fastest',
  },
  { key: 'mini', id: 'google/bert_uncased_L-4_H-256_A-4', name: 'bert-mini', note: '4 layers · 256 hidden · ~45 MB' },
  {
    key: 'small',
    id: 'google/bert_uncased_L-4_H-512_A-8',
    name: 'bert-small',
    note: '4 layers · 512 hidden · ~115 MB',
  },
  {
    key: 'minilm',
    id: 'sentence-transformers/all-MiniLM-L6-v2',
    name: 'all-MiniLM-L6-v2',
    note: '6 layers · 384 hidden · ~90 MB · sentence embeddings',
  },
];
