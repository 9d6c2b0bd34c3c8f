import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';
import { layerRules } from './packages/core/layers.mjs';

const CORE = 'packages/core/src';
const layers = layerRules(CORE);
/** Library code never imports tests, test helpers or benchmarks. */
const NOT_TEST_CODE = ['**/test/**', '**/test-support/**', '**/bench/**', '*.test', '*.test.ts'];
const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'crypto'];
/** Node-only files: node.ts, folders named node/, files named node-*.ts. */
const nodeFiles = (dir) => [`${dir}/**/node/**`, `${dir}/**/node-*.ts`];
const NODE_FILES = [`${CORE}/node.ts`, ...nodeFiles(CORE)];
/** The layers below compute hold no tensors: no TF.js there (a TF.js-free runtime can use them). */
const PURE_DIRS = ['util', 'config', 'tokenizer', 'weights', 'data', 'metrics', 'bundle', 'io'];
const PURE = [`${CORE}/errors.ts`, `${CORE}/vocabulary.ts`, ...PURE_DIRS.map((d) => `${CORE}/${d}/**`)];
const PURE_NODE_FILES = PURE_DIRS.flatMap((d) => nodeFiles(`${CORE}/${d}`));

/**
 * What library files may not import: the core runs in browsers, workers and Node (no DOM, no Node built-ins outside
 * its Node files), never imports test code, and its pure layers never import TF.js. One block per kind of file,
 * because a later block's options for a rule replace an earlier one's.
 */
function restrictedImports() {
  const block = (files, ignores, patterns, browserSafe) => ({
    files,
    ignores,
    rules: {
      'no-restricted-imports': ['error', { patterns }],
      ...(browserSafe
        ? { 'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'process', 'Buffer', '__dirname'] }
        : {}),
    },
  });
  const TFJS = '@tensorflow/*';
  return [
    block([`${CORE}/**/*.ts`], [...NODE_FILES, ...PURE], [...NODE_BUILTINS, ...NOT_TEST_CODE], true),
    block(NODE_FILES, PURE, NOT_TEST_CODE, false),
    block(PURE, PURE_NODE_FILES, [...NODE_BUILTINS, ...NOT_TEST_CODE, TFJS], true),
    block(PURE_NODE_FILES, [], [...NOT_TEST_CODE, TFJS], false),
  ];
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.cache/**',
      'bench/results/**',
      'test-results/**',
      '.tmp/**',
      '.scratch*/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  ...restrictedImports(),
  {
    // The runtime package: no TF.js at all, and Node built-ins only in its Node entry (the build checks its bundles too).
    files: ['packages/classify/src/**/*.ts'],
    ignores: ['packages/classify/src/node.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...NODE_BUILTINS, ...NOT_TEST_CODE, '@tensorflow/*'] }] },
  },
  {
    files: ['packages/classify/src/node.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...NOT_TEST_CODE, '@tensorflow/*'] }] },
  },
  {
    // The benchmark uses the packages' entry points (@browser-bert/core, /node, /internal), never their sources.
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/packages/*/src', '**/packages/*/src/**'],
              message: 'import @browser-bert/core(/node|/internal) instead',
            },
          ],
        },
      ],
    },
  },
  {
    // Layers: imports point downward only (packages/core/layers.mjs), and library code never imports tests,
    // test-support or benchmarks.
    files: [`${CORE}/**/*.ts`],
    plugins: { boundaries },
    settings: {
      ...layers.settings,
      'boundaries/include': [`${CORE}/**/*.ts`],
      'import/resolver': { typescript: { project: 'tsconfig.json' }, node: true },
    },
    rules: {
      'boundaries/no-unknown-dependencies': 'error',
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': ['error', { default: 'disallow', policies: layers.policies }],
    },
  },
);
