/**
 * `browser-bert train --model <dir|id> --data FILE [...]`: the same pipeline as the web app, headless. Progress on
 * stderr, the report table on stdout, the classifier bundle in --out, the report JSON in --report.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CLASSIFIER_POOLINGS,
  parseDataset,
  type TrainProgress,
  RANDOM_INIT_NOTICE,
  trainClassifier,
  formatReportTable,
  type TrainOptions,
  type FewShotOptions,
  UsageError,
} from '@browser-bert/core';
import { createFolderFeatureCache, defaultFeatureCacheDir, initNodeBackend } from '@browser-bert/core/node';
import { enumOption, intOption, numberOption, parseOptions } from '../args.ts';
import { readDataFile } from '../data-file.ts';
import type { Command } from '../io.ts';
import { loadModelForCommand, MODEL_OPTIONS, MODEL_USAGE, modelArgs } from '../model-args.ts';
import { createProgress, type CliProgress, type TaskBar } from '../progress.ts';

const HEADS = ['linear', 'hidden'] as const;
const BACKENDS = ['wasm', 'cpu'] as const;
const WEIGHTING = ['none', 'balanced'] as const;

function trainProgressHandler(
  progress: CliProgress,
  options: { batchBars: boolean },
): {
  onProgress: (e: TrainProgress) => void;
  stop: () => void;
} {
  const bars = new Map<string, TaskBar>();
  const bar = (key: string, label: string, total: number, unit: string) => {
    let b = bars.get(key);
    if (!b) bars.set(key, (b = progress.task(label, total, unit)));
    return b;
  };
  const finish = (key: string) => {
    bars.get(key)?.stop();
    bars.delete(key);
  };
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '–');
  return {
    onProgress(e) {
      switch (e.stage) {
        case 'split':
          progress.note(
            `split: train ${e.train} · validation ${e.validation} · test ${e.test} (duplicates removed: ${e.duplicatesRemoved})`,
          );
          break;
        case 'tokenize':
          bar('tokenize', 'tokenize', e.total, 'texts').update(e.done);
          if (e.done >= e.total) finish('tokenize');
          break;
        case 'embed':
          if (e.cached) {
            progress.note(`embed: ${e.total} feature vectors from the feature cache (encoder not run)`);
            break;
          }
          bar('embed', 'embed', e.total, 'texts').update(e.done);
          if (e.done >= e.total) finish('embed');
          break;
        case 'batch':
          // the epochs bar starts with the first batch (so its time covers training); a batch bar per epoch
          bar('epochs', 'epochs', e.totalEpochs, 'epochs');
          if (!options.batchBars) break;
          bar(`epoch ${e.epoch}`, `epoch ${e.epoch}`, e.total, 'batches').update(e.done);
          if (e.done >= e.total) finish(`epoch ${e.epoch}`);
          break;
        case 'epoch':
          bar('epochs', 'epochs', e.totalEpochs, 'epochs').update(e.epoch);
          progress.note(
            `epoch ${e.epoch}: train loss ${f(e.trainLoss)} acc ${f(e.trainAccuracy)} · validation loss ${f(e.valLoss)} acc ${f(e.valAccuracy)} (${(e.ms / 1000).toFixed(1)} s)`,
          );
          break;
        case 'contrastive':
          bar(`pairs ${e.epoch}`, `few-shot pairs, epoch ${e.epoch}/${e.totalEpochs}`, e.total, 'batches').update(
            e.done,
          );
          if (e.loss !== undefined) {
            finish(`pairs ${e.epoch}`);
            progress.note(`few-shot epoch ${e.epoch}: contrastive loss ${f(e.loss)}`);
          }
          break;
        case 'evaluate':
          finish('epochs');
          break;
      }
    },
    stop() {
      for (const k of [...bars.keys()]) finish(k);
    },
  };
}

/** --few-shot and its settings (a setting without --few-shot is a usage error: it would do nothing). */
function fewShotOptions(values: Record<string, string | boolean | undefined>): Pick<TrainOptions, 'fewShot'> {
  const str = (k: string) => values[k] as string | undefined;
  const given = ['few-shot-pairs', 'few-shot-epochs', 'few-shot-layers', 'few-shot-lr'].filter((k) => str(k));
  if (!values['few-shot']) {
    if (given.length > 0) throw new UsageError(`--${given[0]} needs --few-shot`, 'add --few-shot');
    return {};
  }
  const layers = str('few-shot-layers');
  const fewShot: FewShotOptions = {
    ...(str('few-shot-pairs') === undefined
      ? {}
      : { pairs: intOption('few-shot-pairs', str('few-shot-pairs'), 0, 2, 10_000_000) }),
    ...(str('few-shot-epochs') === undefined
      ? {}
      : { epochs: intOption('few-shot-epochs', str('few-shot-epochs'), 1, 1, 10_000) }),
    ...(layers === undefined
      ? {}
      : { layers: layers === 'all' ? 'all' : intOption('few-shot-layers', layers, 2, 1, 1000) }),
    ...(str('few-shot-lr') === undefined
      ? {}
      : { learningRate: numberOption('few-shot-lr', str('few-shot-lr'), 1e-9, 1)! }),
  };
  return { fewShot };
}

const command: Command = {
  name: 'train',
  summary: 'train a classifier (frozen encoder + head, or fine-tuning) with a held-out report',
  usage: `Usage: browser-bert train --model <dir|id> --data FILE [--text-col C --label-col C]
                          [--pooling mean|cls|pooler|flatten] [--fine-tune-layers k|all] [--few-shot] [--epochs N]
                          [--seed N] [--out DIR] [--report FILE]

De-duplicates the data, splits it (stratified, seeded) into train/validation/test, extracts features (cached)
or fine-tunes the encoder, trains the head with early stopping on validation, chooses the decision threshold
on validation and reports validation and test metrics. The test split is never used for a choice.

Options:
  --data <file>           CSV, TSV (header optional) or JSONL (required)
  --text-col <c>          text column name or 0-based index (default: detected)
  --label-col <c>         label column name or 0-based index (default: detected)
  --pooling <p>           mean | cls | pooler | flatten (the tutorial's baseline: 128 tokens × hidden
                          features, for comparison only) — default: the model's own, else mean
  --head <h>              linear (softmax over the features, default) | hidden (one ReLU layer + dropout)
  --hidden-units <N>      units of the hidden layer (default 256)
  --dropout <x>           head dropout while training (default 0.1)
  --fine-tune-layers <k>  0 = frozen encoder (default), k = train the top k layers with the head, all
  --few-shot              few labels per class (SetFit-style): tune the top encoder layers contrastively on
                          pairs of training examples (cosine-similarity loss), then train the head on them
  --few-shot-pairs <N>    pairs per few-shot epoch, half positive (default min(2000, 40 × training examples))
  --few-shot-epochs <N>   epochs over the pairs (default 1)
  --few-shot-layers <k>   top encoder layers tuned, or all (default 2)
  --few-shot-lr <x>       learning rate of the tuned layers, Adam (default 2e-5)
  --epochs <N>            maximum epochs (default 20 frozen; fine-tuning: ≥ 150 steps, 3–20; early stopping)
  --patience <N>          epochs without validation-loss improvement before stopping (default 3, 0 = off)
  --lr <x>                head learning rate, Adam (default 0.004 frozen, 0.001 fine-tuning)
  --fine-tune-lr <x>      encoder learning rate when fine-tuning (default 5e-5)
  --batch-size <N>        training batch size (default 128 frozen, 32 fine-tuning)
  --class-weights <w>     none (default) | balanced (inverse class frequency)
  --positive <label>      positive class of a binary problem (default: spam/1/true/… else the minority)
  --seed <N>              seed of split, initialisation, shuffling and dropout (default 42)
  --out <dir>             save the classifier bundle there (manifest.json, head, tokenizer[, encoder])
  --report <file>         write the report JSON there
  --no-feature-cache      do not read or write cached features ($BROWSER_BERT_CACHE/features)
  --backend <b>           wasm (default) | cpu
${MODEL_USAGE}`,
  async run(io) {
    const { values } = parseOptions(io.argv, {
      ...MODEL_OPTIONS,
      data: { type: 'string' },
      'text-col': { type: 'string' },
      'label-col': { type: 'string' },
      pooling: { type: 'string' },
      head: { type: 'string' },
      'hidden-units': { type: 'string' },
      dropout: { type: 'string' },
      'fine-tune-layers': { type: 'string' },
      'few-shot': { type: 'boolean' },
      'few-shot-pairs': { type: 'string' },
      'few-shot-epochs': { type: 'string' },
      'few-shot-layers': { type: 'string' },
      'few-shot-lr': { type: 'string' },
      epochs: { type: 'string' },
      patience: { type: 'string' },
      lr: { type: 'string' },
      'fine-tune-lr': { type: 'string' },
      'batch-size': { type: 'string' },
      'class-weights': { type: 'string' },
      positive: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      report: { type: 'string' },
      'no-feature-cache': { type: 'boolean' },
      backend: { type: 'string' },
    });
    const args = modelArgs(values);
    const ftl = values['fine-tune-layers'];
    const options: TrainOptions = {
      ...(values.pooling === undefined
        ? {}
        : { pooling: enumOption('pooling', values.pooling, CLASSIFIER_POOLINGS, 'mean') }),
      head: enumOption('head', values.head, HEADS, 'linear'),
      ...(values['hidden-units'] === undefined
        ? {}
        : { hiddenUnits: intOption('hidden-units', values['hidden-units'], 256, 1, 65536) }),
      ...(values.dropout === undefined ? {} : { dropout: numberOption('dropout', values.dropout, 0, 0.95)! }),
      ...(ftl === undefined
        ? {}
        : { fineTuneLayers: ftl === 'all' ? 'all' : intOption('fine-tune-layers', ftl, 0, 0, 1000) }),
      ...fewShotOptions(values),
      ...(values.epochs === undefined ? {} : { epochs: intOption('epochs', values.epochs, 20, 1, 10000) }),
      ...(values.patience === undefined
        ? {}
        : { earlyStoppingPatience: intOption('patience', values.patience, 3, 0, 10000) }),
      ...(values.lr === undefined ? {} : { learningRate: numberOption('lr', values.lr, 1e-8, 10)! }),
      ...(values['fine-tune-lr'] === undefined
        ? {}
        : { fineTuneLearningRate: numberOption('fine-tune-lr', values['fine-tune-lr'], 1e-9, 1)! }),
      ...(values['batch-size'] === undefined
        ? {}
        : { batchSize: intOption('batch-size', values['batch-size'], 32, 1, 65536) }),
      classWeighting: enumOption('class-weights', values['class-weights'], WEIGHTING, 'none'),
      ...(values.positive === undefined ? {} : { positiveLabel: values.positive }),
      seed: intOption('seed', values.seed, 42, 0, 2 ** 32 - 1),
      ...(args.maxLength === undefined ? {} : { maxLength: args.maxLength }),
    };
    const backend = enumOption('backend', values.backend, BACKENDS, 'wasm');
    const bytes = await readDataFile(values.data);
    const dataset = parseDataset(bytes, {
      fileName: values.data!,
      ...(values['text-col'] === undefined ? {} : { textColumn: values['text-col'] }),
      ...(values['label-col'] === undefined ? {} : { labelColumn: values['label-col'] }),
    });

    await initNodeBackend(backend);
    const progress = createProgress(io.stderr);
    // fine-tuning epochs take minutes: show their batches too
    const ft = options.fineTuneLayers;
    const handler = trainProgressHandler(progress, { batchBars: ft === 'all' || (ft ?? 0) > 0 });
    try {
      for (const w of dataset.warnings) progress.note(`data: ${w}`);
      // a local folder is recorded with its absolute path, so the saved classifier finds it from any directory
      const source = existsSync(args.model) ? path.resolve(args.model) : args.model;
      const model = await loadModelForCommand(args, io.env, progress, RANDOM_INIT_NOTICE, source);
      try {
        const featureCache = values['no-feature-cache']
          ? undefined
          : createFolderFeatureCache(defaultFeatureCacheDir(io.env));
        const { classifier, report } = await trainClassifier({
          model,
          dataset,
          options,
          ...(featureCache ? { featureCache } : {}),
          onProgress: handler.onProgress,
        });
        handler.stop();
        try {
          const json = model.info.randomInit ? { notice: RANDOM_INIT_NOTICE, ...report } : report;
          if (values.report) await writeFile(values.report, JSON.stringify(json, null, 2) + '\n');
          if (values.out) {
            await classifier.save(values.out);
            progress.note(`saved the classifier to ${values.out}`);
          }
          io.stdout.write(formatReportTable(report) + '\n');
        } finally {
          classifier.dispose();
        }
        return 0;
      } finally {
        model.dispose();
      }
    } finally {
      handler.stop();
      progress.stop();
    }
  },
};

export default command;
