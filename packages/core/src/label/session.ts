/**
 * The labelling loop: a pool of texts with their pooled features, labels made one at a time (undo, skip, typed
 * examples), a logistic-regression head retrained on the features after every few changes, a cross-validated
 * accuracy estimate, predictions over the unlabelled pool and the next texts to label. Plain JS, no tensors and no
 * I/O: the caller embeds texts (features/cachedFeatures) and stores `state()` (e.g. in IndexedDB) after each change.
 */
import { UsageError } from '../errors.ts';
import { fitStandardizer } from '../head/standardize.ts';
import type { FeatureMatrix, Standardizer } from '../head/types.ts';
import { crossValidate } from './cross-validation.ts';
import { addCentre, nearestCentreDistances } from './k-center.ts';
import { checkClassNames, UNLABELLED, type LabelSet } from './label-set.ts';
import { argmaxRows, fitLogistic, predictLogistic, type LogisticModel } from './logistic.ts';
import {
  checkLabellingState,
  LABELLING_STATE_FORMAT,
  type LabelAction,
  type LabellingState,
  type LearningCurvePoint,
  type SessionSettings,
} from './session-state.ts';
import { suggest, type SamplingStrategy, type Suggestion } from './suggest.ts';

export interface LabellingSessionOptions extends Partial<SessionSettings> {
  /** The texts, class names and any labels they already have. */
  readonly set: LabelSet;
  /** Pooled features of `set.texts`, row-aligned. */
  readonly features: FeatureMatrix;
}

/** Fewer pool texts than this: features are used as they are (a standardiser needs a sample). */
const MIN_STANDARDIZE_ROWS = 10;

function standardizerFor(features: FeatureMatrix, rows: number): Standardizer | undefined {
  if (rows < MIN_STANDARDIZE_ROWS) return undefined;
  return fitStandardizer(
    features,
    Array.from({ length: rows }, (_, i) => i),
  );
}

export class LabellingSession {
  readonly settings: SessionSettings;
  private readonly classNames: string[];
  private readonly textList: string[];
  private readonly labels: number[];
  private readonly skipped = new Set<number>();
  private readonly history: LabelAction[] = [];
  private readonly points: LearningCurvePoint[] = [];
  private readonly poolSize: number;
  private readonly dim: number;
  private readonly standardizer: Standardizer | undefined;
  /** Standardised features, row capacity ≥ size. */
  private z: Float32Array;
  private minDist: Float64Array;
  private minDistStale = false;
  private fitted: LogisticModel | undefined;
  private probs: Float32Array | undefined;
  private changes = 0;

  constructor(options: LabellingSessionOptions, restored?: LabellingState) {
    const { set, features } = options;
    this.settings = {
      retrainEvery: options.retrainEvery ?? 5,
      strategy: options.strategy ?? 'mixed',
      measure: options.measure ?? 'margin',
      seed: (options.seed ?? 42) >>> 0,
      folds: options.folds ?? 5,
      c: options.c ?? 1,
      ...(options.explore === undefined ? {} : { explore: options.explore }),
      ...(options.seedSize === undefined ? {} : { seedSize: options.seedSize }),
    };
    const { retrainEvery, folds } = this.settings;
    if (!Number.isInteger(retrainEvery) || retrainEvery < 1)
      throw new UsageError(`retrainEvery must be a positive integer, got ${retrainEvery}`);
    if (!Number.isInteger(folds) || folds === 1 || folds < 0)
      throw new UsageError(`folds must be 0 (no estimate) or an integer ≥ 2, got ${folds}`);
    this.classNames = checkClassNames(set.classes);
    if (set.labels.length !== set.texts.length)
      throw new UsageError(`The label set has ${set.texts.length} texts but ${set.labels.length} labels`);
    if (set.labels.some((l) => !Number.isInteger(l) || l < UNLABELLED || l >= set.classes.length))
      throw new UsageError('A label of the label set is not a class index (or −1 for none)');
    this.textList = [...set.texts];
    this.labels = [...set.labels];
    this.poolSize = restored?.poolSize ?? set.texts.length;
    this.dim = features.dim;
    if (features.data.length !== this.poolSize * features.dim) {
      throw new UsageError(
        `The features have ${features.data.length / features.dim} rows for ${this.poolSize} texts`,
        'embed exactly the texts of the label set, in order',
      );
    }
    this.standardizer = standardizerFor(features, this.poolSize);
    this.z = new Float32Array(Math.max(this.textList.length, 1) * this.dim);
    this.writeRows(features.data, 0, this.poolSize);
    if (restored) {
      this.writeRows(Float32Array.from(restored.addedFeatures), this.poolSize, this.textList.length - this.poolSize);
      restored.skipped.forEach((i) => this.skipped.add(i));
      this.history.push(...restored.history);
      this.points.push(...restored.curve);
      this.changes = restored.changesSinceRetrain;
    }
    this.minDist = new Float64Array(0);
    this.minDistStale = true;
    // a fresh session with labels (a partly labelled file) starts its curve; a restored one has its own
    if (this.canFit()) {
      const point = this.fit();
      if (!restored) this.points.push(point);
    }
  }

  /** Class names in index order. */
  get classes(): readonly string[] {
    return this.classNames;
  }
  get texts(): readonly string[] {
    return this.textList;
  }
  get size(): number {
    return this.textList.length;
  }
  /** Class index of text `i`, or UNLABELLED. */
  labelOf(i: number): number {
    return this.labels[this.checkIndex(i)] as number;
  }
  isSkipped(i: number): boolean {
    return this.skipped.has(i);
  }
  get labelledCount(): number {
    return this.labels.filter((l) => l !== UNLABELLED).length;
  }
  /** Labelled texts per class. */
  perClass(): number[] {
    const counts = new Array<number>(this.classNames.length).fill(0);
    for (const l of this.labels) if (l !== UNLABELLED) counts[l]!++;
    return counts;
  }
  /** The learning curve: one point per retrain. */
  get curve(): readonly LearningCurvePoint[] {
    return this.points;
  }
  /** The current head (undefined until 2 classes have labels). */
  get model(): LogisticModel | undefined {
    return this.fitted;
  }
  /** The current model's probabilities for every text, row-major [size, classes] (as of the last retrain). */
  predictions(): Float32Array | undefined {
    return this.probs;
  }
  /** The current model's probabilities for other raw features (e.g. a held-out test set). */
  predict(features: FeatureMatrix): Float32Array | undefined {
    if (!this.fitted) return undefined;
    const n = features.data.length / features.dim;
    const z = new Float32Array(features.data.length);
    this.standardize(features.data, z, n);
    return predictLogistic(this.fitted, { dim: this.dim, data: z });
  }

  /** Labels text `index` with a class (index or name); retrains when due and returns the new curve point. */
  label(index: number, cls: number | string): LearningCurvePoint | undefined {
    const label = this.classIndex(cls);
    const previous = this.labelOf(index);
    this.history.push({ kind: 'label', index, label, previous });
    this.setLabel(index, label);
    return this.changed();
  }

  /** Skips a text: not suggested again (undo brings it back). */
  skip(index: number): void {
    this.checkIndex(index);
    if (this.skipped.has(index)) return;
    this.skipped.add(index);
    this.history.push({ kind: 'skip', index });
  }

  /** Adds a typed example with its features (the caller embeds it) and label; returns its index. */
  addExample(
    text: string,
    cls: number | string,
    features: ArrayLike<number>,
  ): { index: number; point: LearningCurvePoint | undefined } {
    const t = text.trim();
    if (t === '') throw new UsageError('The example is empty', 'type a text');
    if (features.length !== this.dim)
      throw new UsageError(`The example's features have ${features.length} values, expected ${this.dim}`);
    const label = this.classIndex(cls);
    const index = this.textList.length;
    if (this.z.length < (index + 1) * this.dim) {
      const grown = new Float32Array(Math.max(2 * this.z.length, (index + 1) * this.dim));
      grown.set(this.z);
      this.z = grown;
    }
    this.textList.push(t);
    this.labels.push(UNLABELLED);
    this.writeRows(Float32Array.from(features), index, 1);
    this.minDistStale = true;
    this.history.push({ kind: 'add', index, label });
    this.setLabel(index, label);
    return { index, point: this.changed() };
  }

  /** Adds a class name (e.g. one found while labelling); returns its index. */
  addClass(name: string): number {
    checkClassNames([...this.classNames, name]);
    this.classNames.push(name.trim());
    this.fitted = undefined; // the head's outputs no longer match; refit
    if (this.canFit()) this.fit();
    else this.probs = undefined;
    return this.classNames.length - 1;
  }

  /** Undoes the last label, skip or typed example (a typed text stays, unlabelled); returns what was undone. */
  undo(): LabelAction | undefined {
    const a = this.history.pop();
    if (!a) return undefined;
    if (a.kind === 'skip') this.skipped.delete(a.index);
    else {
      this.setLabel(a.index, a.kind === 'label' ? a.previous : UNLABELLED);
      this.changed();
    }
    return a;
  }

  /** Retrains now: the head on the labelled features, the cross-validation estimate, the pool predictions. */
  retrain(): LearningCurvePoint {
    const point = this.fit();
    this.points.push(point);
    this.changes = 0;
    return point;
  }

  /** The next `count` texts to label (never a labelled or skipped one), with why. */
  suggest(count = 1, strategy: SamplingStrategy = this.settings.strategy): Suggestion[] {
    const excluded = new Uint8Array(this.size);
    this.labels.forEach((l, i) => (excluded[i] = l !== UNLABELLED || this.skipped.has(i) ? 1 : 0));
    return suggest(
      {
        features: this.features(),
        excluded,
        minDistances: this.distances(),
        probs: this.probs,
        classes: this.classNames.length,
        labelled: this.labelledCount,
      },
      {
        strategy,
        count,
        seed: this.settings.seed + this.history.length,
        measure: this.settings.measure,
        ...(this.settings.explore === undefined ? {} : { explore: this.settings.explore }),
        ...(this.settings.seedSize === undefined ? {} : { seedSize: this.settings.seedSize }),
      },
    );
  }

  /** The labels as a LabelSet (export as CSV/JSONL, or labelledDataset → trainClassifier). */
  labelSet(): LabelSet {
    return { classes: [...this.classNames], texts: [...this.textList], labels: [...this.labels] };
  }

  /** Everything needed to restore this session, as JSON-safe data. */
  state(): LabellingState {
    return {
      format: LABELLING_STATE_FORMAT,
      classes: [...this.classNames],
      texts: [...this.textList],
      labels: [...this.labels],
      skipped: [...this.skipped],
      history: [...this.history],
      poolSize: this.poolSize,
      dim: this.dim,
      addedFeatures: Array.from(this.rawRows(this.poolSize, this.size - this.poolSize)),
      settings: this.settings,
      curve: [...this.points],
      changesSinceRetrain: this.changes,
    };
  }

  private features(): FeatureMatrix {
    return { dim: this.dim, data: this.z.subarray(0, this.size * this.dim) };
  }

  private standardize(src: Float32Array, dst: Float32Array, rows: number, dstOffset = 0): void {
    const s = this.standardizer;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < this.dim; j++) {
        const v = src[r * this.dim + j] as number;
        dst[dstOffset + r * this.dim + j] = s ? (v - (s.mean[j] as number)) / (s.std[j] as number) : v;
      }
    }
  }

  private writeRows(raw: Float32Array, start: number, rows: number): void {
    this.standardize(raw, this.z, rows, start * this.dim);
  }

  /** Raw (unstandardised) features of rows [start, start + rows). */
  private rawRows(start: number, rows: number): Float32Array {
    const out = new Float32Array(rows * this.dim);
    const s = this.standardizer;
    for (let i = 0; i < out.length; i++) {
      const v = this.z[start * this.dim + i] as number;
      const j = i % this.dim;
      out[i] = s ? v * (s.std[j] as number) + (s.mean[j] as number) : v;
    }
    return out;
  }

  private distances(): Float64Array {
    if (this.minDistStale || this.minDist.length !== this.size) {
      const centres = this.labels.flatMap((l, i) => (l === UNLABELLED ? [] : [i]));
      this.minDist = nearestCentreDistances(this.features(), centres, this.size);
      this.minDistStale = false;
    }
    return this.minDist;
  }

  private setLabel(index: number, label: number): void {
    const was = this.labels[index];
    this.labels[index] = label;
    if (label !== UNLABELLED) this.skipped.delete(index);
    if (was === UNLABELLED && label !== UNLABELLED && !this.minDistStale && this.minDist.length === this.size)
      addCentre(this.features(), this.minDist, index);
    else if (was !== UNLABELLED && label === UNLABELLED) this.minDistStale = true;
  }

  private changed(): LearningCurvePoint | undefined {
    this.changes++;
    if (this.changes < this.settings.retrainEvery) return undefined;
    return this.retrain();
  }

  private labelled(): { rows: Int32Array; labels: Int32Array } {
    const rows: number[] = [];
    this.labels.forEach((l, i) => l !== UNLABELLED && rows.push(i));
    return { rows: Int32Array.from(rows), labels: Int32Array.from(rows, (r) => this.labels[r] as number) };
  }

  private canFit(): boolean {
    return this.perClass().filter((n) => n > 0).length >= 2;
  }

  private fit(): LearningCurvePoint {
    const t0 = performance.now();
    const C = this.classNames.length;
    const perClass = this.perClass();
    const { rows, labels } = this.labelled();
    let cvAccuracy: number | undefined;
    let cvFolds = 0;
    if (!this.canFit()) {
      this.fitted = undefined;
      this.probs = undefined;
    } else {
      const features = this.features();
      const o = { c: this.settings.c, init: this.fitted };
      this.fitted = fitLogistic(features, rows, labels, C, o);
      this.probs = predictLogistic(this.fitted, features);
      if (this.settings.folds >= 2) {
        const full = this.fitted;
        const cv = crossValidate(labels, { folds: this.settings.folds, seed: this.settings.seed }, (train, test) => {
          const m = fitLogistic(
            features,
            Array.from(train, (p) => rows[p] as number),
            Array.from(train, (p) => labels[p] as number),
            C,
            // an accuracy estimate needs no tight optimum: a looser tolerance halves the folds' cost
            { c: this.settings.c, init: full, tolerance: 1e-4 },
          );
          return argmaxRows(
            predictLogistic(
              m,
              features,
              Array.from(test, (p) => rows[p] as number),
            ),
            C,
          );
        });
        cvAccuracy = cv?.accuracy;
        cvFolds = cv?.folds ?? 0;
      }
    }
    const poolCounts = new Array<number>(C).fill(0);
    if (this.probs) {
      const predicted = argmaxRows(this.probs, C);
      this.labels.forEach((l, i) => l === UNLABELLED && poolCounts[predicted[i] as number]!++);
    }
    return { labelled: rows.length, perClass, cvAccuracy, cvFolds, poolCounts, ms: performance.now() - t0 };
  }

  private classIndex(cls: number | string): number {
    const i = typeof cls === 'number' ? cls : this.classNames.indexOf(cls.trim());
    if (!Number.isInteger(i) || i < 0 || i >= this.classNames.length) {
      throw new UsageError(
        `Unknown class ${JSON.stringify(cls)}`,
        `use one of ${this.classNames.map((c) => `"${c}"`).join(', ')} (or add it as a class first)`,
      );
    }
    return i;
  }

  private checkIndex(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.size)
      throw new UsageError(`No text at index ${i} (0…${this.size - 1})`);
    return i;
  }
}

/** A session from a label set and the pooled features of its texts. */
export function createLabellingSession(options: LabellingSessionOptions): LabellingSession {
  return new LabellingSession(options);
}

/**
 * A session from `state()` and the pooled features of its first `state.poolSize` texts (the original pool, e.g.
 * from the feature cache). Throws DataError for a damaged state.
 */
export function restoreLabellingSession(state: unknown, poolFeatures: FeatureMatrix): LabellingSession {
  const s = checkLabellingState(state);
  if (poolFeatures.dim !== s.dim) {
    throw new UsageError(
      `The pool features have ${poolFeatures.dim} dimensions, the saved session ${s.dim}`,
      'embed the texts with the model and pooling the session was made with',
    );
  }
  return new LabellingSession(
    { set: { classes: s.classes, texts: s.texts, labels: s.labels }, features: poolFeatures, ...s.settings },
    s,
  );
}
