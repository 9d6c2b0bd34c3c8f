/** The in-memory classifier: tokenizer → encoder (frozen forward) → pooling → head → decision. */
import type * as tfl from '@tensorflow/tfjs-layers';
import { BrowserBertError } from '../errors';
import type { BertEncoder } from '../encoder/types';
import { embedTexts } from '../features/embed';
import { predictHead } from '../head/fit';
import { configJson, encoderTensors, tokenizerFiles } from '../storage/encoder-files';
import { headToFiles } from '../storage/head-files';
import { writeBundle } from '../storage/router';
import { FILES, type ClassifierBundle, type ClassifierManifest } from '../storage/types';
import type { Tokenizer } from '../tokenizer/types';
import { writeSafetensors } from '../weights/safetensors';
import { decide } from './decide';
import type { Classifier, ClassifyOptions, Prediction } from './types';

/** The manifest minus what toBundle() fills in (file list). */
export type ClassifierSpec = Omit<ClassifierManifest, 'files'>;

export interface ClassifierParts {
  readonly spec: ClassifierSpec;
  readonly tokenizer: Tokenizer;
  readonly encoder: BertEncoder;
  /** Dispose the encoder with the classifier (it was loaded or copied for it). */
  readonly ownsEncoder: boolean;
  readonly head: tfl.LayersModel;
}

export function createClassifier(parts: ClassifierParts): Classifier {
  const { spec, tokenizer, encoder, head } = parts;
  const labels = spec.labels;
  const positiveIndex = spec.positive_label === null ? undefined : labels.indexOf(spec.positive_label);
  const threshold = spec.threshold ?? undefined;
  let disposed = false;
  const maxLength = spec.pooling === 'flatten' ? (spec.flatten_length ?? spec.max_length) : spec.max_length;

  async function predictProba(texts: readonly string[], options: ClassifyOptions = {}): Promise<Float32Array> {
    if (disposed) throw new BrowserBertError('USAGE', 'This classifier was disposed', 'load it again');
    if (texts.length === 0) return new Float32Array(0);
    const encodings = tokenizer.encodeBatch(texts, { maxLength });
    const features = await embedTexts(encoder, encodings, {
      pooling: spec.pooling,
      normalize: spec.normalize,
      ...(spec.flatten_length === null ? {} : { flattenLength: spec.flatten_length }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return predictHead(head, features, options.signal ? { signal: options.signal } : {});
  }

  async function toBundle(): Promise<ClassifierBundle> {
    const enc = new TextEncoder();
    const files: Record<string, Uint8Array> = {};
    const h = await headToFiles(head);
    files[FILES.headModel] = h.modelJson;
    files[FILES.headWeights] = h.weights;
    const tf = tokenizerFiles(tokenizer);
    files[FILES.vocab] = enc.encode(tf.vocabTxt);
    files[FILES.tokenizerConfig] = enc.encode(JSON.stringify(tf.tokenizerConfig, null, 2));
    if (spec.encoder.included) {
      const randomInit = spec.encoder.random_init;
      files[FILES.encoderConfig] = enc.encode(JSON.stringify(configJson(encoder.config, { randomInit }), null, 2));
      files[FILES.encoderWeights] = writeSafetensors(encoderTensors(encoder), {
        format: 'pt',
        ...(randomInit ? { browser_bert_fixture: 'random-init' } : {}),
        browser_bert_fine_tuned_from: spec.encoder.source,
      });
    }
    return { manifest: { ...spec, files: Object.keys(files) }, files };
  }

  return {
    labels,
    manifest: { ...spec, files: [] },
    predictProba,
    async classify(texts, options = {}): Promise<Prediction[]> {
      const probs = await predictProba(texts, options);
      const C = labels.length;
      return texts.map((_, i) => {
        const scores: Record<string, number> = {};
        labels.forEach((l, c) => (scores[l] = probs[i * C + c] as number));
        return { label: labels[decide(probs, i, C, positiveIndex, threshold)] as string, scores };
      });
    },
    toBundle,
    async save(target: string) {
      const bundle = await toBundle();
      await writeBundle(target, bundle);
      return bundle;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      head.dispose();
      if (parts.ownsEncoder) encoder.dispose();
    },
  };
}
