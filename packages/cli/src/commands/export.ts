/**
 * `browser-bert export --classifier DIR --format transformersjs|onnx|hf --out DIR [--dtype …] [--model …]`: a saved
 * classifier as a folder that Transformers.js, ONNX Runtime or HF transformers run unchanged, with a model card.
 * Written atomically (temp sibling folder, then rename): a failure leaves nothing behind.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  EXPORT_DTYPES,
  EXPORT_FORMATS,
  exportClassifier,
  REPORT_SCHEMA,
  type LoadedModel,
  type TrainingReport,
  UsageError,
} from '@browser-bert/core';
import { initNodeBackend, loadNode, readBundleFolder, writeExportFolder } from '@browser-bert/core/node';
import { enumOption, parseOptions } from '../args.ts';
import type { Command } from '../io.ts';
import { TIMEOUT_OPTION, TIMEOUT_USAGE, timeoutOption } from '../model-args.ts';
import { createProgress, formatBytes } from '../progress.ts';

async function readReport(file: string | undefined): Promise<TrainingReport | undefined> {
  if (!file) return undefined;
  let json: { schema?: unknown };
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as { schema?: unknown };
  } catch (e) {
    throw new UsageError(`--report ${file} cannot be read as JSON (${(e as Error).message})`, '', {
      cause: e,
    });
  }
  if (json.schema !== REPORT_SCHEMA) {
    throw new UsageError(
      `--report ${file} is not a training report (schema ${JSON.stringify(json.schema)})`,
      'pass the file written by `browser-bert train --report FILE`',
    );
  }
  return json as TrainingReport;
}

const command: Command = {
  name: 'export',
  summary: 'export a classifier for Transformers.js / ONNX Runtime / HF transformers, with a model card',
  usage: `Usage: browser-bert export --classifier DIR --format transformersjs|onnx|hf --out DIR
                           [--dtype float32|float16|int8] [--model <dir|id>] [--report FILE] [--force]

Formats (every one also has README.md, the model card, and the browser-bert bundle so loadClassifier reads it back):
  transformersjs  config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx: runs unchanged with
                  pipeline('text-classification', DIR, { local_files_only: true }) of @huggingface/transformers
  onnx            model.onnx (inputs input_ids, attention_mask, token_type_ids; output logits), tokenizer.json, config.json
  hf              model.safetensors + config.json (BertForSequenceClassification) + tokenizer files; exact only for
                  pooler pooling with the linear head, refused otherwise (the command says why)

Options:
  --classifier <dir>  a folder written by 'browser-bert train --out' (required)
  --format <f>        transformersjs | onnx | hf (required)
  --out <dir>         output folder (must be new or empty unless --force)
  --dtype <d>         float32 (default, exact) | float16 | int8: adds onnx/model_fp16.onnx or model_int8.onnx
                      (Transformers.js dtype 'fp16' / 'int8'); with hf, float16 writes float16 safetensors
  --model <dir|id>    the model a frozen classifier was trained on (default: its recorded source)
  --report <file>     the training report (browser-bert train --report): per-class metrics in the model card
  --force             replace a non-empty --out folder (only after the new export is complete)
${TIMEOUT_USAGE}`,
  async run(io) {
    const { values } = parseOptions(io.argv, {
      classifier: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      dtype: { type: 'string' },
      model: { type: 'string' },
      report: { type: 'string' },
      force: { type: 'boolean' },
      ...TIMEOUT_OPTION,
    });
    if (!values.classifier) {
      throw new UsageError('--classifier is required', 'pass the folder written by `browser-bert train --out DIR`');
    }
    if (!values.format) throw new UsageError('--format is required', `one of ${EXPORT_FORMATS.join(', ')}`);
    const format = enumOption('format', values.format, EXPORT_FORMATS, 'transformersjs');
    const dtype = enumOption('dtype', values.dtype, EXPORT_DTYPES, 'float32');
    if (!values.out) throw new UsageError('--out is required', 'name the folder to write the export into');
    const out = path.resolve(values.out);
    const report = await readReport(values.report);
    const bundle = await readBundleFolder(path.resolve(values.classifier));
    const progress = createProgress(io.stderr);
    let model: LoadedModel | undefined;
    try {
      if (!bundle.manifest.encoder.included) {
        await initNodeBackend('wasm');
        const source = values.model ?? bundle.manifest.encoder.source;
        const revision = values.model ? undefined : (bundle.manifest.encoder.revision ?? undefined);
        const stallTimeoutMs = timeoutOption(values.timeout);
        model = await loadNode(source, {
          env: io.env,
          revision,
          onProgress: progress.file,
          ...(stallTimeoutMs === undefined ? {} : { stallTimeoutMs }),
        });
      }
      const res = await exportClassifier(bundle, {
        format,
        dtype,
        ...(model ? { model } : {}),
        ...(report ? { report } : {}),
      });
      await writeExportFolder(out, res.files, { replace: values.force === true });
      const total = Object.values(res.files).reduce((a, b) => a + b.byteLength, 0);
      const lines = [`${out}`, `${format} export, ${Object.keys(res.files).length} files, ${formatBytes(total)}`];
      for (const [name, bytes] of Object.entries(res.files)) {
        if (/\.(onnx|safetensors)$/.test(name)) lines.push(`  ${name}  ${formatBytes(bytes.byteLength)}`);
      }
      for (const e of res.exactness) lines.push(`${e.exact ? 'exact' : 'not exact'}: ${e.format} — ${e.reason}`);
      if (bundle.manifest.threshold !== null) {
        lines.push(
          `decision threshold: ${bundle.manifest.positive_label} when p ≥ ${bundle.manifest.threshold} (pipelines take the arg-max; see README.md)`,
        );
      }
      io.stdout.write(lines.join('\n') + '\n');
      return 0;
    } finally {
      model?.dispose();
      progress.stop();
    }
  },
};

export default command;
