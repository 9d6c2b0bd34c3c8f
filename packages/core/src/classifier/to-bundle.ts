/**
 * Classifier → bundle: the files a classifier is saved as — the head as standard TF.js layers files, the tokenizer
 * files, the fine-tuned encoder as an HF model folder under `encoder/`, and the training report.
 */
import type { ClassifierBundle } from '../bundle/types.ts';
import { FILES } from '../bundle/types.ts';
import { encoderFiles } from '../model/clone.ts';
import { tokenizerFiles } from '../tokenizer/files.ts';
import { headToFiles } from './head-files.ts';
import type { ClassifierParts } from './types.ts';

const utf8 = new TextEncoder();

/** The bundle of a classifier's parts. */
export async function bundleOf(parts: ClassifierParts): Promise<ClassifierBundle> {
  const { spec, tokenizer, encoder, head, report } = parts;
  const files: Record<string, Uint8Array> = {};
  const h = await headToFiles(head);
  files[FILES.headModel] = h.modelJson;
  files[FILES.headWeights] = h.weights;
  const tok = tokenizerFiles(tokenizer);
  files[FILES.vocab] = utf8.encode(tok.vocabTxt);
  files[FILES.tokenizerConfig] = utf8.encode(JSON.stringify(tok.tokenizerConfig, null, 2));
  if (spec.encoder.included) {
    const enc = encoderFiles(encoder, { randomInit: spec.encoder.random_init, fineTunedFrom: spec.encoder.source });
    files[FILES.encoderConfig] = enc.config;
    files[FILES.encoderWeights] = enc.weights;
  }
  if (report) files[FILES.report] = utf8.encode(JSON.stringify(report, null, 2));
  return { manifest: { ...spec, files: Object.keys(files) }, files };
}
