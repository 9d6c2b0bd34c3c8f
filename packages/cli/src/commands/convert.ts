/**
 * `browser-bert convert --model <dir|id> --out DIR [--dtype float32|float16]`: the encoder as a static TF.js-style
 * bundle (model.json with weightsManifest + shard files, config.json, tokenizer files) that load() reads from any
 * static host — the tutorial's tensorflowjs_converter step, without Python.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { configJson, encoderTensors, tokenizerFiles, writeTfjsBundle, UsageError } from '@browser-bert/core';
import { initNodeBackend, loadNode, writeExportFolder } from '@browser-bert/core/node';
import { enumOption, parseOptions } from '../args.ts';
import type { Command } from '../io.ts';
import { MODEL_OPTIONS, MODEL_USAGE, modelArgs } from '../model-args.ts';
import { createProgress, formatBytes } from '../progress.ts';

const DTYPES = ['float32', 'float16'] as const;

/** The marker `load()` and readers use to recognise a converted encoder (next to the standard weightsManifest). */
export const ENCODER_BUNDLE_FORMAT = 'browser-bert-encoder';

const command: Command = {
  name: 'convert',
  summary: 'write an encoder as a static TF.js weights bundle (model.json + shards + config + tokenizer)',
  usage: `Usage: browser-bert convert --model <dir|id> --out DIR [--dtype float32|float16]

Writes into DIR: model.json ("format": "${ENCODER_BUNDLE_FORMAT}", a TF.js weightsManifest), the weight shards
(group1-shardKofN.bin, 4 MB each), config.json, vocab.txt and tokenizer_config.json. Serve DIR from any static
host (or open it as a local folder) and load it like a hub model. float16 halves the download (weights are
widened to float32 on load, as with tensorflowjs_converter --quantize_float16).

Options:
  --out <dir>         output folder (created; must be empty or absent)
  --dtype <d>         float32 (default, exact) | float16
${MODEL_USAGE}`,
  async run(io) {
    const { values } = parseOptions(io.argv, { ...MODEL_OPTIONS, out: { type: 'string' }, dtype: { type: 'string' } });
    const args = modelArgs(values);
    const dtype = enumOption('dtype', values.dtype, DTYPES, 'float32');
    if (!values.out) throw new UsageError('--out is required', 'name the folder to write the bundle into');
    const out = path.resolve(values.out);
    if (existsSync(out) && (await readdir(out)).length > 0) {
      throw new UsageError(`${out} is not empty`, 'choose a new or empty folder for --out');
    }
    await initNodeBackend('wasm');
    const progress = createProgress(io.stderr);
    try {
      const model = await loadNode(args.model, {
        env: io.env,
        revision: args.revision,
        refresh: args.refresh,
        onProgress: progress.file,
        ...(args.timeoutMs === undefined ? {} : { stallTimeoutMs: args.timeoutMs }),
      });
      try {
        const bundle = writeTfjsBundle(encoderTensors(model.encoder), { dtype });
        const modelJson = {
          format: ENCODER_BUNDLE_FORMAT,
          generatedBy: 'browser-bert convert',
          convertedBy: null,
          metadata: {
            source: model.info.source,
            revision: model.info.revision ?? null,
            weights_hash: model.info.weightsHash,
            random_init: model.info.randomInit,
            dtype,
            default_pooling: model.info.defaultPooling,
            normalize: model.info.normalize,
          },
          weightsManifest: bundle.manifest,
        };
        const tok = tokenizerFiles(model.tokenizer);
        const enc = (x: unknown) => new TextEncoder().encode(JSON.stringify(x, null, 2) + '\n');
        const files: Record<string, Uint8Array> = { 'model.json': enc(modelJson) };
        let bytes = 0;
        const paths = bundle.manifest.flatMap((g) => g.paths);
        for (let i = 0; i < paths.length; i++) {
          files[paths[i]!] = bundle.shards[i]!;
          bytes += bundle.shards[i]!.byteLength;
        }
        files['config.json'] = enc(configJson(model.config, { randomInit: model.info.randomInit }));
        files['vocab.txt'] = new TextEncoder().encode(tok.vocabTxt);
        files['tokenizer_config.json'] = enc(tok.tokenizerConfig);
        // The writer behind every --out: complete in a temp sibling, then renamed into place (never half written).
        await writeExportFolder(out, files);
        progress.note(
          `wrote ${paths.length} shard(s), ${formatBytes(bytes)} (${dtype}) + model.json, config.json, tokenizer files`,
        );
        io.stdout.write(`${out}\n`);
        return 0;
      } finally {
        model.dispose();
      }
    } finally {
      progress.stop();
    }
  },
};

export default command;
