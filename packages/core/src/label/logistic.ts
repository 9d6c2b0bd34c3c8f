/**
 * The labelling loop's head: multinomial logistic regression with an L2 penalty, fitted in plain JS (float64,
 * L-BFGS) on pooled features. Same objective as scikit-learn's LogisticRegression(multi_class='multinomial',
 * C=c): Σᵢ CEᵢ + ‖W‖² / (2C), the intercepts unpenalised (here divided by the row count, which leaves the optimum
 * unchanged). Chosen over the TF.js head (train/fit-head.ts) for the loop because a fit on a few hundred rows is a
 * few milliseconds here, against an epoch loop of tensor ops there; the final classifier is still trained by the
 * normal pipeline.
 */
import { TrainingError } from '../errors.ts';
import type { FeatureMatrix } from '../head/types.ts';
import { minimizeLbfgs } from './lbfgs.ts';

export interface LogisticModel {
  readonly dim: number;
  readonly classes: number;
  /** Row-major [classes, dim]. */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
}

export interface LogisticOptions {
  /** Inverse regularisation strength (scikit-learn's C). Default 1. */
  readonly c?: number;
  /** Default 300. */
  readonly maxIterations?: number;
  /** Gradient tolerance (max |∂/∂θ| of the per-row objective). Default 1e-5. */
  readonly tolerance?: number;
  /** Start from this model's parameters (a warm start; the optimum does not depend on it). */
  readonly init?: LogisticModel | undefined;
}

/**
 * Fits on the rows `rows` of `features` with class indices `labels` (aligned with `rows`), `classes` outputs (a
 * class without examples simply gets low scores).
 */
export function fitLogistic(
  features: FeatureMatrix,
  rows: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  options: LogisticOptions = {},
): LogisticModel {
  const { dim } = features;
  const n = rows.length;
  const c = options.c ?? 1;
  if (n === 0 || labels.length !== n) {
    throw new TrainingError(`fitLogistic needs ≥ 1 row and one label per row, got ${n} rows, ${labels.length} labels`);
  }
  if (!(c > 0)) throw new TrainingError(`The regularisation C must be > 0, got ${c}`);
  const x = new Float64Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i] as number;
    for (let j = 0; j < dim; j++) x[i * dim + j] = features.data[r * dim + j] as number;
    const l = labels[i] as number;
    if (!(Number.isInteger(l) && l >= 0 && l < classes)) throw new RangeError(`label ${l} of row ${r} out of range`);
    y[i] = l;
  }
  const nw = classes * dim;
  const lambda = 1 / (c * n);
  const z = new Float64Array(classes);
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const base = i * dim;
      let max = -Infinity;
      for (let k = 0; k < classes; k++) {
        let s = theta[nw + k] as number;
        const w = k * dim;
        for (let j = 0; j < dim; j++) s += (theta[w + j] as number) * (x[base + j] as number);
        z[k] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp((z[k] as number) - max);
      const lse = max + Math.log(sum);
      const yi = y[i] as number;
      loss += lse - (z[yi] as number);
      for (let k = 0; k < classes; k++) {
        const r = (Math.exp((z[k] as number) - lse) - (k === yi ? 1 : 0)) / n;
        if (r === 0) continue;
        const w = k * dim;
        for (let j = 0; j < dim; j++) grad[w + j] = (grad[w + j] as number) + r * (x[base + j] as number);
        grad[nw + k] = (grad[nw + k] as number) + r;
      }
    }
    let penalty = 0;
    for (let j = 0; j < nw; j++) {
      const w = theta[j] as number;
      penalty += w * w;
      grad[j] = (grad[j] as number) + lambda * w;
    }
    return loss / n + 0.5 * lambda * penalty;
  };
  const theta0 = new Float64Array(nw + classes);
  const init = options.init;
  if (init && init.dim === dim && init.classes === classes) {
    theta0.set(init.weights);
    theta0.set(init.bias, nw);
  }
  const r = minimizeLbfgs(objective, theta0, {
    maxIterations: options.maxIterations ?? 300,
    tolerance: options.tolerance ?? 1e-5,
  });
  return {
    dim,
    classes,
    weights: r.x.slice(0, nw),
    bias: r.x.slice(nw),
    iterations: r.iterations,
    converged: r.converged,
  };
}

/** Class probabilities, row-major [rows, classes], for `rows` of `features` (default: every row). */
export function predictLogistic(model: LogisticModel, features: FeatureMatrix, rows?: ArrayLike<number>): Float32Array {
  const { dim, classes, weights, bias } = model;
  if (features.dim !== dim) throw new RangeError(`features have ${features.dim} columns, the model ${dim}`);
  const count = rows ? rows.length : features.data.length / dim;
  const out = new Float32Array(count * classes);
  const z = new Float64Array(classes);
  for (let i = 0; i < count; i++) {
    const base = (rows ? (rows[i] as number) : i) * dim;
    let max = -Infinity;
    for (let k = 0; k < classes; k++) {
      let s = bias[k] as number;
      const w = k * dim;
      for (let j = 0; j < dim; j++) s += (weights[w + j] as number) * (features.data[base + j] as number);
      z[k] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp((z[k] as number) - max);
    for (let k = 0; k < classes; k++) out[i * classes + k] = Math.exp((z[k] as number) - max) / sum;
  }
  return out;
}

/** Arg-max class of each probability row. */
export function argmaxRows(probs: Float32Array, classes: number): Int32Array {
  const out = new Int32Array(probs.length / classes);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++)
      if ((probs[i * classes + k] as number) > (probs[i * classes + best] as number)) best = k;
    out[i] = best;
  }
  return out;
}
