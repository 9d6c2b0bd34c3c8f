/**
 * Bundle → classifier. The encoder of a bundle that includes it is assembled by the one model assembly (model/)
 * from the bundle's own files; otherwise the caller passes the model the classifier was trained on
 * (load/classifier.ts finds it), checked against the weights hash the bundle recorded.
 */
import type { ClassifierBundle } from '../bundle/types.ts';
import { FILES } from '../bundle/types.ts';
import { EncoderMismatchError, StorageError } from '../errors.ts';
import { createMemorySource } from '../io/memory-source.ts';
import type { InferenceOptions } from '../kernel/attach.ts';
import type { TrainingReport } from '../metrics/report-types.ts';
import { assembleTokenizer } from '../model/assemble.ts';
import { loadFromSource } from '../model/from-source.ts';
import type { LoadedModel } from '../model/types.ts';
import { createClassifier } from './classifier.ts';
import { headFromFiles } from './head-files.ts';
import type { Classifier } from './types.ts';

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

export interface FromBundleOptions {
  /**
   * The model the classifier was trained on, for bundles without their encoder. Its weights hash must be the one
   * the bundle recorded. Disposed with the classifier when `ownsModel` is true.
   */
  readonly model?: LoadedModel | undefined;
  readonly ownsModel?: boolean | undefined;
  /** How a bundled (fine-tuned) encoder runs frozen inference. */
  readonly inference?: InferenceOptions | undefined;
  /**
   * Bundles that include their encoder: the model includedEncoderModel() already assembled from this bundle, reused
   * instead of assembling a second copy (not disposed with the classifier), e.g. to also train on it.
   */
  readonly includedModel?: LoadedModel | undefined;
}

/**
 * The model held by a bundle that includes its encoder (encoder/ + tokenizer/), assembled by the one model assembly.
 * Its info names the encoder the bundle recorded (source, revision, weights hash of the original files) when it was
 * not fine-tuned: the values are the original ones, only re-serialised as float32.
 */
export async function includedEncoderModel(
  bundle: ClassifierBundle,
  inference?: InferenceOptions | undefined,
): Promise<LoadedModel> {
  const m = bundle.manifest;
  const f = bundle.files;
  if (!m.encoder.included) {
    throw new StorageError('This classifier was saved without its encoder', 'load the model it was trained on');
  }
  const source = createMemorySource(
    {
      'config.json': f[FILES.encoderConfig]!,
      'model.safetensors': f[FILES.encoderWeights]!,
      'vocab.txt': f[FILES.vocab]!,
      'tokenizer_config.json': f[FILES.tokenizerConfig]!,
    },
    'the classifier bundle',
  );
  const model = await loadFromSource(source, { ...inference, maxLength: m.max_length });
  if (m.encoder.fine_tuned) return model;
  const info = {
    ...model.info,
    source: m.encoder.source,
    revision: m.encoder.revision ?? undefined,
    weightsHash: m.encoder.weights_hash,
  };
  return {
    info,
    config: model.config,
    tokenizer: model.tokenizer,
    encoder: model.encoder,
    dispose: () => model.dispose(),
  };
}

/** A JSON file of the bundle; text that is not JSON is a damaged bundle, said in one line. */
function jsonFile(files: ClassifierBundle['files'], name: string): unknown {
  try {
    return JSON.parse(text(files[name])) as unknown;
  } catch (e) {
    throw new StorageError(`${name} of the classifier is not valid JSON`, 'the bundle is damaged; save it again', {
      cause: e,
    });
  }
}

/** The classifier a bundle describes. */
export async function classifierFromBundle(
  bundle: ClassifierBundle,
  options: FromBundleOptions = {},
): Promise<Classifier> {
  const m = bundle.manifest;
  const f = bundle.files;
  let model: LoadedModel;
  let owns: boolean;
  if (m.encoder.included && options.includedModel) {
    model = options.includedModel;
    owns = false;
  } else if (m.encoder.included) {
    model = await includedEncoderModel(bundle, options.inference);
    owns = true;
  } else {
    if (!options.model) {
      throw new StorageError(
        `this classifier's encoder (${m.encoder.source}) is not in the bundle`,
        'pass the model it was trained on (option model), or load it with loadClassifier',
      );
    }
    model = options.model;
    owns = options.ownsModel === true;
    if (model.info.weightsHash !== m.encoder.weights_hash) {
      if (owns) model.dispose();
      throw new EncoderMismatchError(m.encoder.source, m.encoder.weights_hash, model.info.weightsHash);
    }
  }
  try {
    const tokenizer = assembleTokenizer(
      { vocabTxt: text(f[FILES.vocab]), tokenizerConfig: jsonFile(f, FILES.tokenizerConfig) },
      model.config,
      m.max_length,
    );
    const report = f[FILES.report] ? (jsonFile(f, FILES.report) as TrainingReport) : undefined;
    // every check that can fail comes before the head: its weights are the one thing here holding tensors
    const head = await headFromFiles(f[FILES.headModel]!, f[FILES.headWeights]!);
    const { files: _files, ...spec } = m;
    return createClassifier({ spec, tokenizer, encoder: model.encoder, ownsEncoder: owns, head, report });
  } catch (e) {
    if (owns) model.dispose();
    throw e;
  }
}
