/**
 * `exportClassifier(bundle, { format, dtype, model })`: a saved classifier → the files of a folder that standard
 * tools run unchanged (pure: returns path → bytes; writing them is the caller's job).
 * - transformersjs: config.json, tokenizer.json (+ config files), onnx/model.onnx [+ onnx/model_fp16|_int8.onnx]
 * - onnx: model.onnx [+ variant], tokenizer.json, config.json
 * - hf: model.safetensors (BertForSequenceClassification; pooler classifiers only), config.json, tokenizer files
 * Every export also has README.md (model card) and the browser-bert bundle itself (manifest.json, head/,
 * tokenizer/[, encoder/]) so `loadClassifier(folder)` reads it back.
 */
import { ExportError } from '../errors.ts';
import type { LoadedModel } from '../model/types.ts';
import type { TrainingReport } from '../metrics/report-types.ts';
import { tokenizerFiles } from '../tokenizer/files.ts';
import type { ClassifierBundle } from '../bundle/types.ts';
import { classifierOnnx } from './classifier-onnx.ts';
import { exactnessReport, type Exactness, type ExportFormat } from './exactness.ts';
import { readExportSource, type ExportSource } from './export-source.ts';
import { hfConfigJson } from './hf-config.ts';
import { hfSafetensors } from './hf-safetensors.ts';
import { modelCard } from './model-card.ts';
import type { ExportDType } from './onnx-weights.ts';
import { specialTokensMapJson, tokenizerConfigJson, tokenizerJson } from './tokenizer-json.ts';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['transformersjs', 'onnx', 'hf'];
export const EXPORT_DTYPES: readonly ExportDType[] = ['float32', 'float16', 'int8'];
const PRODUCER_VERSION = '0.1.0';

export interface ExportOptions {
  readonly format: ExportFormat;
  /** float32 (default): exact. float16 / int8: an extra, smaller ONNX weight file (hf: float16 safetensors). */
  readonly dtype?: ExportDType;
  /** The model a frozen classifier was trained on (its bundle does not include the encoder). */
  readonly model?: LoadedModel;
  /** The full training report, for per-class metrics in the model card (else the manifest's summary is used). */
  readonly report?: TrainingReport;
  /** Include the browser-bert bundle so loadClassifier() reads the export back. Default true. */
  readonly includeBundle?: boolean;
}

export interface ExportResult {
  /** Relative path ("/" separators) → bytes. */
  readonly files: Record<string, Uint8Array>;
  /** Which formats reproduce this classifier exactly, and why. */
  readonly exactness: readonly Exactness[];
  /** The ONNX weight-variant file written besides the float32 one, if any. */
  readonly variant: string | undefined;
}

/** Transformers.js file names per dtype (its DEFAULT_DTYPE_SUFFIX_MAPPING: fp16 → _fp16, int8 → _int8). */
const VARIANT_SUFFIX: Readonly<Record<ExportDType, string>> = { float32: '', float16: '_fp16', int8: '_int8' };

function checkOptions(options: ExportOptions): ExportDType {
  if (!EXPORT_FORMATS.includes(options.format)) {
    throw new ExportError(
      `Unknown export format ${JSON.stringify(options.format)}`,
      `use one of ${EXPORT_FORMATS.join(', ')}`,
    );
  }
  const dtype = options.dtype ?? 'float32';
  if (!EXPORT_DTYPES.includes(dtype)) {
    throw new ExportError(`Unknown export dtype ${JSON.stringify(dtype)}`, `use one of ${EXPORT_DTYPES.join(', ')}`);
  }
  if (options.format === 'hf' && dtype === 'int8') {
    throw new ExportError(
      'The hf format has no int8 weights',
      'use --dtype float32 or float16 with --format hf, or int8 with transformersjs/onnx',
    );
  }
  return dtype;
}

function onnxMetadata(src: ExportSource): Record<string, string> {
  const m = src.manifest;
  return {
    labels: JSON.stringify(m.labels),
    positive_label: m.positive_label ?? '',
    threshold: m.threshold === null ? '' : String(m.threshold),
    pooling: src.pooling,
    normalize: String(m.normalize),
    max_length: String(m.max_length),
    encoder_source: m.encoder.source,
    random_init: String(m.encoder.random_init),
  };
}

function onnxBytes(src: ExportSource, dtype: ExportDType): Uint8Array {
  return classifierOnnx({
    config: src.config,
    encoder: src.encoder,
    pooling: src.pooling,
    normalize: src.manifest.normalize,
    head: src.head,
    dtype,
    metadata: onnxMetadata(src),
    producerVersion: PRODUCER_VERSION,
  });
}

export async function exportClassifier(bundle: ClassifierBundle, options: ExportOptions): Promise<ExportResult> {
  const dtype = checkOptions(options);
  const src = readExportSource(bundle, options.model);
  const exactness = exactnessReport(src);
  const enc = new TextEncoder();
  const jsonFile = (v: unknown) => enc.encode(JSON.stringify(v, null, 2) + '\n');
  const files: Record<string, Uint8Array> = {};
  const { format } = options;
  let variant: string | undefined;

  const torchDtype = format === 'hf' && dtype === 'float16' ? 'float16' : 'float32';
  files['config.json'] = jsonFile(hfConfigJson(src, { torchDtype, exactness }));
  files['tokenizer.json'] = jsonFile(tokenizerJson(src.tokenizer));
  if (format !== 'onnx') {
    files['tokenizer_config.json'] = jsonFile(tokenizerConfigJson(src.tokenizer, src.manifest.max_length));
    files['special_tokens_map.json'] = jsonFile(specialTokensMapJson(src.tokenizer));
  }
  if (format === 'hf') {
    files['vocab.txt'] = enc.encode(tokenizerFiles(src.tokenizer).vocabTxt);
    files['model.safetensors'] = hfSafetensors(src, dtype === 'float16' ? 'F16' : 'F32');
  } else {
    const dir = format === 'transformersjs' ? 'onnx/' : '';
    files[`${dir}model.onnx`] = onnxBytes(src, 'float32');
    if (dtype !== 'float32') {
      variant = `${dir}model${VARIANT_SUFFIX[dtype]}.onnx`;
      files[variant] = onnxBytes(src, dtype);
    }
  }
  if (options.includeBundle !== false) {
    files['manifest.json'] = jsonFile(bundle.manifest);
    for (const [name, bytes] of Object.entries(bundle.files)) {
      if (name in files) throw new ExportError(`The bundle file ${name} clashes with an export file`);
      files[name] = bytes;
    }
  }
  const sizes: Record<string, number> = {};
  for (const [name, bytes] of Object.entries(files)) sizes[name] = bytes.byteLength;
  files['README.md'] = enc.encode(modelCard({ src, format, dtype, exactness, files: sizes, report: options.report }));
  return { files, exactness, variant };
}
