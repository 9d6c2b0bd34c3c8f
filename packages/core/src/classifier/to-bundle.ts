/**
 * Classifier → bundle: the files a classifier is saved as — the head as standard TF.js layers files, the tokenizer
 * files, the fine-tuned encoder as an HF model folder under `encoder/`, and the training report.
 */
import type { ClassifierBundle } from '../bundle/types.ts';
import { FILES } from '../bundle/types.ts';
import { encoderFiles } from '../model/clone.ts';
import { tokenizerFiles } from '../tokenizer/files.ts';
import { headToFiles } from './head-files.ts';
import type { BundleOptions, ClassifierParts, ClassifierSpec } from './types.ts';
import { UsageError } from '../errors.ts';

const utf8 = new TextEncoder();

/** The bundle of a classifier's parts; `options.includeEncoder` overrides the spec's choice (see BundleOptions). */
export async function bundleOf(parts: ClassifierParts, options: BundleOptions = {}): Promise<ClassifierBundle> {
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
    const enc = encoderFiles(encoder, {
      randomInit: spec.encoder.random_init,
      ...(spec.encoder.fine_tuned ? { fineTunedFrom: spec.encoder.source } : {}),
    });
    files[FILES.encoderConfig] = enc.config;
    files[FILES.encoderWeights] = enc.weights;
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
