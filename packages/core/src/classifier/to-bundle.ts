/**
 * Classifier → bundle: the files a classifier is saved as — the head as standard TF.js layers files, the tokenizer
 * files, the fine-tuned encoder as an HF model folder under `encoder/`, and the training report.
 */
import type { ClassifierBundle } from '../bundle/types.ts';
import { FILES } from '../bundle/types.ts';
import { encoderConfigFile, encoderFiles, encoderWeightsByteLength, type EncoderFileOptions } from '../model/clone.ts';
import { tokenizerFiles } from '../tokenizer/files.ts';
import { headToFiles } from './head-files.ts';
import type { BundleOptions, ClassifierParts, ClassifierSpec } from './types.ts';
import { UsageError } from '../errors.ts';

const utf8 = new TextEncoder();

/** The bundle of a classifier's parts; `options.includeEncoder` overrides the spec's choice (see BundleOptions). */
export async function bundleOf(parts: ClassifierParts, options: BundleOptions = {}): Promise<ClassifierBundle> {
  return bundleWith(parts, options, true);
}

/**
 * The exact byte length of bundleToZip(bundleOf(parts, options)), without writing the encoder's weights: the zip
 * stores them as they are (bundleToZip: level 0), so their file adds its own length to the zip of an empty one.
 */
export async function bundleZipByteLength(parts: ClassifierParts, options: BundleOptions = {}): Promise<number> {
  const bundle = await bundleWith(parts, options, false);
  const weights = bundle.files[FILES.encoderWeights];
  const added =
    weights === undefined ? 0 : encoderWeightsByteLength(parts.encoder, encoderFileOptions(bundle.manifest));
  const { bundleToZip } = await import('../bundle/zip.ts'); // (fflate's writer: not in a runtime that never zips)
  return bundleToZip(bundle).byteLength + added;
}

function encoderFileOptions(spec: ClassifierSpec): EncoderFileOptions {
  return {
    randomInit: spec.encoder.random_init,
    ...(spec.encoder.fine_tuned ? { fineTunedFrom: spec.encoder.source } : {}),
  };
}

/** The bundle; without `weights`, the encoder's weights file is there but empty (for its size, see above). */
async function bundleWith(parts: ClassifierParts, options: BundleOptions, weights: boolean): Promise<ClassifierBundle> {
  const { tokenizer, encoder, head, report } = parts;
  const spec = withEncoderChoice(parts.spec, options);
  const files: Record<string, Uint8Array> = {};
  const h = await headToFiles(head);
  files[FILES.headModel] = h.modelJson;
  files[FILES.headWeights] = h.weights;
  const tok = tokenizerFiles(tokenizer);
  files[FILES.vocab] = utf8.encode(tok.vocabTxt);
  files[FILES.tokenizerConfig] = utf8.encode(JSON.stringify(tok.tokenizerConfig, null, 2));
  if (spec.encoder.included) {
    if (weights) {
      const enc = encoderFiles(encoder, encoderFileOptions(spec));
      files[FILES.encoderConfig] = enc.config;
      files[FILES.encoderWeights] = enc.weights;
    } else {
      files[FILES.encoderConfig] = encoderConfigFile(encoder, encoderFileOptions(spec));
      files[FILES.encoderWeights] = new Uint8Array(0);
    }
  }
  if (report) files[FILES.report] = utf8.encode(JSON.stringify(report, null, 2));
  return { manifest: { ...spec, files: Object.keys(files) }, files };
}

/**
 * The spec with the caller's encoder choice: a frozen classifier may include its (unchanged) encoder to be
 * self-contained, or reference it by source + revision + weights hash; a fine-tuned one must include it.
 */
function withEncoderChoice(spec: ClassifierSpec, options: BundleOptions): ClassifierSpec {
  if (options.includeEncoder === undefined || options.includeEncoder === spec.encoder.included) return spec;
  if (!options.includeEncoder && spec.encoder.fine_tuned) {
    throw new UsageError(
      'A fine-tuned classifier cannot be saved without its encoder (its weights changed in training)',
      'save it with the encoder included',
    );
  }
  return { ...spec, encoder: { ...spec.encoder, included: options.includeEncoder } };
}
