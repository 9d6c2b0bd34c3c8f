/** The in-memory classifier: tokenizer → encoder (frozen forward) → pooling → head → decision. */
import type { ClassifierBundle } from '../bundle/types.ts';
import { UsageError } from '../errors.ts';
import { embedTexts } from '../features/embed.ts';
import { predictHead } from '../head/predict.ts';
import { writeBundle } from '../io/bundle-store.ts';
import { decide } from './decide.ts';
import { bundleOf, bundleZipByteLength } from './to-bundle.ts';
import type { BundleOptions, Classifier, ClassifierParts, ClassifyOptions, Prediction } from './types.ts';

export function createClassifier(parts: ClassifierParts): Classifier {
  const { spec, tokenizer, encoder, head } = parts;
  const labels = spec.labels;
  const positiveIndex = spec.positive_label === null ? undefined : labels.indexOf(spec.positive_label);
  const threshold = spec.threshold ?? undefined;
  let disposed = false;
  const maxLength = spec.pooling === 'flatten' ? (spec.flatten_length ?? spec.max_length) : spec.max_length;

  async function predictProba(texts: readonly string[], options: ClassifyOptions = {}): Promise<Float32Array> {
    if (disposed) throw new UsageError('This classifier was disposed', 'load it again');
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

  const toBundle = (options?: BundleOptions): Promise<ClassifierBundle> => bundleOf(parts, options);

  return {
    labels,
    manifest: { ...spec, files: [] },
    report: parts.report,
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
    zipByteLength: (options?: BundleOptions) => bundleZipByteLength(parts, options),
    async save(target: string, options?: BundleOptions) {
      const bundle = await toBundle(options);
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
