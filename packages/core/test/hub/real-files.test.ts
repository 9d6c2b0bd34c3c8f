/** The hub path on real HF repo files from ../shared (all-MiniLM-L6-v2, bert-tiny-finetuned); their weights are absent. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startHubServer } from '../../test-support/hub-server';
import { sharedPath, skipUnlessShared } from '../../test-support/shared';
import { createMemoryCache } from '../../src/hub/cache';
import { loadNode, loadTokenizerNode } from '../../src/hub/node-load';
import { sentenceTransformersSettings, poolingConfigFile } from '../../src/hub/sentence-transformers';

const MINILM = 'data/format-fixtures/hf/all-MiniLM-L6-v2';
const TINY = 'data/format-fixtures/hf/bert-tiny-finetuned';

test(
  'all-MiniLM-L6-v2 modules.json + 1_Pooling: mean pooling, normalised',
  { skip: skipUnlessShared(MINILM) },
  async () => {
    const dir = sharedPath(MINILM)!;
    const modules = JSON.parse(await readFile(path.join(dir, 'modules.json'), 'utf8')) as unknown;
    const file = poolingConfigFile(modules);
    assert.equal(file, '1_Pooling/config.json');
    const pooling = JSON.parse(await readFile(path.join(dir, file!), 'utf8')) as unknown;
    assert.deepEqual(sentenceTransformersSettings(modules, pooling), {
      defaultPooling: 'mean',
      normalize: true,
      unsupportedPooling: undefined,
    });
    assert.deepEqual(sentenceTransformersSettings(undefined, undefined), {
      defaultPooling: 'mean',
      normalize: false,
      unsupportedPooling: undefined,
    });
  },
);

test(
  'real repo files over the loopback hub: tokenizer loads; no weights (LFS pointers only) → clear error',
  { skip: skipUnlessShared(TINY) || skipUnlessShared(MINILM) },
  async () => {
    const hub = await startHubServer({
      'prajjwal1/bert-tiny@main': sharedPath(TINY)!,
      'sentence-transformers/all-MiniLM-L6-v2@main': sharedPath(MINILM)!,
    });
    try {
      const env = { HF_ENDPOINT: hub.endpoint };
      const cache = createMemoryCache();
      const tok = await loadTokenizerNode('prajjwal1/bert-tiny', { env, cache });
      assert.deepEqual([...tok.encode('Hello, World!').inputIds], [101, 7592, 1010, 2088, 999, 102]);
      const minilm = await loadTokenizerNode('sentence-transformers/all-MiniLM-L6-v2', { env, cache, maxLength: 256 });
      assert.equal(minilm.settings.maxLength, 256);
      assert.ok(hub.requests.includes('/sentence-transformers/all-MiniLM-L6-v2/resolve/main/tokenizer.json'));
      await assert.rejects(
        loadNode('sentence-transformers/all-MiniLM-L6-v2', { env, cache }),
        /sentence-transformers\/all-MiniLM-L6-v2 has no weights file — looked for model\.safetensors, model\.safetensors\.index\.json, pytorch_model\.bin, pytorch_model\.bin\.index\.json, model\.json/,
      );
    } finally {
      await hub.close();
    }
  },
);
