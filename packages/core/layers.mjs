/**
 * The layers of packages/core/src: each element (a folder, or the root files) and the elements it may import.
 * Imports point downward only; eslint.config.js enforces this table with eslint-plugin-boundaries, and
 * packages/core/test/layers.test.ts checks that the table itself has no cycle. ARCHITECTURE.md explains it.
 */
export const LAYERS = {
  // L0: what everything shares
  base: [], // errors.ts, vocabulary.ts
  util: ['base'],
  // L1: pure formats and stages (no I/O), and the byte layer
  config: ['base', 'util'],
  tokenizer: ['base', 'util'],
  weights: ['base', 'util'],
  data: ['base', 'util'],
  metrics: ['base', 'util'],
  bundle: ['base', 'util', 'tokenizer', 'metrics'],
  io: ['base', 'util', 'bundle'],
  // L2: compute (never io)
  runtime: ['base', 'util'],
  encoder: ['base', 'util', 'config', 'weights', 'runtime'],
  kernel: ['base', 'util', 'config', 'weights', 'encoder', 'runtime', 'head'],
  pooling: ['base', 'util', 'encoder'],
  head: ['base', 'util', 'weights', 'runtime'],
  // L3: model assembly
  model: ['base', 'util', 'config', 'tokenizer', 'weights', 'io', 'runtime', 'encoder', 'kernel'],
  // L4–L6
  features: ['base', 'util', 'config', 'tokenizer', 'io', 'encoder', 'kernel', 'pooling', 'head', 'model'],
  classifier: [
    'base',
    'util',
    'config',
    'tokenizer',
    'weights',
    'metrics',
    'bundle',
    'io',
    'encoder',
    'kernel',
    'pooling',
    'head',
    'model',
    'features',
  ],
  // exporting a classifier to the standard tools' formats (ONNX, Transformers.js, HF)
  export: ['base', 'util', 'config', 'tokenizer', 'weights', 'metrics', 'bundle', 'encoder', 'head', 'model'],
  train: [
    'base',
    'util',
    'config',
    'tokenizer',
    'weights',
    'data',
    'metrics',
    'bundle',
    'io',
    'runtime',
    'encoder',
    'kernel',
    'pooling',
    'head',
    'model',
    'features',
    'classifier',
  ],
  // L6: labelling (label as you go, active learning, simulation) — plain JS on pooled features; beside train
  label: ['base', 'util', 'data', 'metrics', 'head'],
  // L7: loaders and the package's entry points
  load: [
    'base',
    'util',
    'config',
    'tokenizer',
    'weights',
    'bundle',
    'io',
    'runtime',
    'encoder',
    'kernel',
    'model',
    'classifier',
  ],
  entry: [
    'base',
    'util',
    'config',
    'tokenizer',
    'weights',
    'data',
    'metrics',
    'bundle',
    'io',
    'runtime',
    'encoder',
    'kernel',
    'pooling',
    'head',
    'model',
    'features',
    'classifier',
    'train',
    'label',
    'export',
    'load',
  ],
};

/** Root files of src/ that are layers of their own (boundaries "files" categories; folders are elements). */
export const ROOT_FILES = { base: '{errors,vocabulary}.ts', entry: '{index,node,internal}.ts' };

/** eslint-plugin-boundaries settings and dependency policies for LAYERS, with src at `root`. */
export function layerRules(root) {
  const isFile = (type) => type in ROOT_FILES;
  const selector = (type) => (isFile(type) ? { file: { categories: type } } : { element: { type } });
  return {
    settings: {
      'boundaries/elements': Object.keys(LAYERS)
        .filter((t) => !isFile(t))
        .map((type) => ({ type, pattern: `${root}/${type}`, partialMatch: false })),
      'boundaries/files': Object.entries(ROOT_FILES).map(([category, pattern]) => ({
        category,
        pattern: `${root}/${pattern}`,
      })),
    },
    policies: Object.entries(LAYERS).map(([type, allowed]) => ({
      from: selector(type),
      allow: [type, ...allowed].map((to) => ({ to: selector(to) })),
    })),
  };
}
