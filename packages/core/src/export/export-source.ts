/**
 * Everything an exporter needs from a saved classifier, read and cross-checked: the manifest, the tokenizer (built
 * exactly as loadClassifier builds it), the encoder's config + HF tensors (from the bundle when fine-tuned, else from
 * the LoadedModel it was trained on, checked by weights hash) and the head's Dense layers (read without TF.js).
 * Anything missing or inconsistent is an ExportError/StorageError before a single output file is made.
 */
import { parseBertConfig } from '../config/index.ts';
import type { BertConfig } from '../config/types.ts';
import { BrowserBertError, ExportError } from '../errors.ts';
import type { LoadedModel } from '../model/types.ts';
import { encoderTensors } from '../model/clone.ts';
import { FILES, type ClassifierBundle, type ClassifierManifest } from '../bundle/types.ts';
import { checkBundle } from '../bundle/validate.ts';
import { createTokenizer } from '../tokenizer/index.ts';
import type { Tokenizer } from '../tokenizer/types.ts';
import { readSafetensors } from '../weights/safetensors.ts';
import type { TensorMap } from '../weights/types.ts';
import type { ExportPooling } from './classifier-onnx.ts';
import { readPlainHead, type PlainHead } from '../head/plain.ts';

export interface ExportSource {
  readonly manifest: ClassifierManifest;
  readonly pooling: ExportPooling;
  readonly config: BertConfig;
  /** HF tensor names without "bert." (PyTorch layout). */
  readonly encoder: TensorMap;
  readonly head: PlainHead;
  readonly tokenizer: Tokenizer;
}

const DAMAGED = 'the bundle is damaged or mixes two classifiers; save the classifier again';

function required(bundle: ClassifierBundle, name: string): Uint8Array {
  const bytes = bundle.files[name];
  if (!bytes) throw new ExportError(`The classifier bundle has no ${name}`, 'copy the whole classifier folder');
  return bytes;
}

function json(bundle: ClassifierBundle, name: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(required(bundle, name))) as unknown;
  } catch (e) {
    if (e instanceof BrowserBertError) throw e;
    throw new ExportError(`${name} in the classifier bundle is not valid JSON`, DAMAGED, { cause: e });
  }
}

function exportablePooling(m: ClassifierManifest): ExportPooling {
  if (m.pooling === 'mean' || m.pooling === 'cls' || m.pooling === 'pooler') return m.pooling;
  throw new ExportError(
    `A classifier with '${m.pooling}' pooling cannot be exported: ${
      m.pooling === 'flatten'
        ? 'it reads a fixed 128-token padded layout (the tutorial baseline) that no standard pipeline feeds it'
        : 'unknown pooling'
    }`,
    'train it with --pooling mean, cls or pooler to export it',
  );
}

function encoderOf(
  bundle: ClassifierBundle,
  model: LoadedModel | undefined,
): { config: BertConfig; tensors: TensorMap } {
  const m = bundle.manifest;
  if (m.encoder.included) {
    const config = parseBertConfig(json(bundle, FILES.encoderConfig));
    try {
      return { config, tensors: readSafetensors(required(bundle, FILES.encoderWeights)).tensors };
    } catch (e) {
      if (e instanceof ExportError) throw e;
      throw new ExportError(`${FILES.encoderWeights} cannot be read (${(e as Error).message})`, DAMAGED, { cause: e });
    }
  }
  if (!model) {
    throw new ExportError(
      `This classifier does not include its encoder (it was trained frozen on ${m.encoder.source})`,
      'pass the model it was trained on (library: { model }, CLI: --model <dir|id>)',
    );
  }
  if (model.info.weightsHash !== m.encoder.weights_hash) {
    throw new ExportError(
      `The model passed (weights ${model.info.weightsHash.slice(0, 12)}…) is not the encoder this classifier was trained on (${m.encoder.weights_hash.slice(0, 12)}…)`,
      `pass ${m.encoder.source}${m.encoder.revision ? `@${m.encoder.revision}` : ''}, the model it was trained on`,
    );
  }
  return { config: model.config, tensors: encoderTensors(model.encoder) };
}

export function readExportSource(bundle: ClassifierBundle, model?: LoadedModel): ExportSource {
  checkBundle(bundle as { manifest: unknown; files: Record<string, Uint8Array> }, 'the classifier bundle');
  const m = bundle.manifest;
  const pooling = exportablePooling(m);
  const head = readPlainHead(required(bundle, FILES.headModel), required(bundle, FILES.headWeights));
  if (head.classes !== m.labels.length) {
    throw new ExportError(
      `The head has ${head.classes} outputs but the manifest lists ${m.labels.length} labels`,
      DAMAGED,
    );
  }
  if (head.inputDim !== m.head.input_dim) {
    throw new ExportError(
      `The head takes ${head.inputDim} features but the manifest says ${m.head.input_dim}`,
      DAMAGED,
    );
  }
  if (m.positive_label !== null && !m.labels.includes(m.positive_label)) {
    throw new ExportError(`positive_label "${m.positive_label}" is not one of the labels`, DAMAGED);
  }
  const tokenizer = createTokenizer(
    {
      vocabTxt: new TextDecoder().decode(required(bundle, FILES.vocab)),
      tokenizerConfig: json(bundle, FILES.tokenizerConfig),
    },
    { maxLength: m.max_length, modelMaxLength: m.tokenizer.settings.modelMaxLength },
  );
  if (tokenizer.fingerprint !== m.tokenizer.fingerprint || tokenizer.vocabSize !== m.tokenizer.vocab_size) {
    throw new ExportError(
      `The tokenizer files do not match the manifest (fingerprint ${tokenizer.fingerprint}, expected ${m.tokenizer.fingerprint})`,
      DAMAGED,
    );
  }
  const { config, tensors } = encoderOf(bundle, model);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new ExportError(
      `The tokenizer has ${tokenizer.vocabSize} tokens but the encoder only ${config.vocabSize} embeddings`,
      DAMAGED,
    );
  }
  if (m.max_length > config.maxPositionEmbeddings) {
    throw new ExportError(
      `max_length ${m.max_length} exceeds the encoder's ${config.maxPositionEmbeddings} positions`,
      DAMAGED,
    );
  }
  return { manifest: m, pooling, config, encoder: tensors, head, tokenizer };
}
