/**
 * Limited-memory BFGS (two-loop recursion) with a backtracking Armijo line search, for the small smooth convex
 * problems of the labelling loop (logistic regression on a few hundred rows). Hand-written because npm has no
 * maintained, typed L-BFGS (fmin 0.0.4 is untyped and has conjugate gradients only); it is 80 lines.
 */

/** Returns f(x) and writes ∇f(x) into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Default 500. */
  readonly maxIterations?: number;
  /** Stop when max |∂f/∂xᵢ| ≤ tolerance. Default 1e-6. */
  readonly tolerance?: number;
  /** Correction pairs kept. Default 10. */
  readonly memory?: number;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  /** True when the gradient tolerance was met (or f stopped changing at float64 precision). */
  readonly converged: boolean;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};
const maxAbs = (a: Float64Array): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
};

export function minimizeLbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.tolerance ?? 1e-6;
  const m = options.memory ?? 10;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let fx = f(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const d = new Float64Array(n);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let iterations = 0;
  let converged = maxAbs(g) <= tolerance;
  while (!converged && iterations < maxIterations) {
    iterations++;
    // d = −H·g by the two-loop recursion (H₀ = γI, γ = sᵀy / yᵀy of the newest pair; first step: unit length)
    d.set(g);
    for (let i = S.length - 1; i >= 0; i--) {
      const a = (rho[i] as number) * dot(S[i]!, d);
      alpha[i] = a;
      const y = Y[i]!;
      for (let j = 0; j < n; j++) d[j] = (d[j] as number) - a * (y[j] as number);
    }
    const last = S.length - 1;
    const gamma = last >= 0 ? dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let j = 0; j < n; j++) d[j] = (d[j] as number) * gamma;
    for (let i = 0; i < S.length; i++) {
      const b = (rho[i] as number) * dot(Y[i]!, d);
      const s = S[i]!;
      const a = alpha[i] as number;
      for (let j = 0; j < n; j++) d[j] = (d[j] as number) + (a - b) * (s[j] as number);
    }
    for (let j = 0; j < n; j++) d[j] = -(d[j] as number);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // not a descent direction (numerical trouble): restart from steepest descent
      S.length = Y.length = rho.length = 0;
      for (let j = 0; j < n; j++) d[j] = -(g[j] as number) / Math.max(1, Math.sqrt(dot(g, g)));
      slope = dot(g, d);
    }
    let t = 1;
    let fNew = Infinity;
    for (let k = 0; k < 50; k++) {
      for (let j = 0; j < n; j++) xNew[j] = (x[j] as number) + t * (d[j] as number);
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * t * slope) break;
      t *= 0.5;
    }
    if (!(fNew <= fx)) break; // no step decreases f: at the precision floor
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = (xNew[j] as number) - (x[j] as number);
      y[j] = (gNew[j] as number) - (g[j] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * dot(y, y)) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const stalled = fx - fNew <= 1e-15 * Math.max(1, Math.abs(fx));
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    converged = maxAbs(g) <= tolerance || stalled;
  }
  return { x, value: fx, iterations, converged };
}
