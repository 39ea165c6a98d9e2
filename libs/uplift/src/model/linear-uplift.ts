import { ValidationError } from '@offerstream/core';
import { sigmoid } from './gradient-boosting';

/**
 * Logistic regression with arm interactions: P(y = 1 | x, a) = sigmoid(b_a + z·(beta + gamma_a)), where z is
 * the standardized feature vector, beta is shared by every arm and gamma_a is arm a's deviation. The
 * deviations carry their own (stronger) ridge penalty, so each arm's slope is shrunk toward the shared one
 * and the implied uplift sigmoid(b_a + z·(beta + gamma_a)) - sigmoid(b_0 + z·(beta + gamma_0)) is a smooth,
 * low-variance function of x. It is a different learner from the trees, which is what makes it useful in
 * a blend.
 */
export interface LinearUpliftParams {
  /** Ridge penalty on the shared slopes (in units of the summed log-loss). */
  readonly lambdaShared: number;
  /** Ridge penalty on each arm's deviation from the shared slopes. */
  readonly lambdaArm: number;
  readonly maxIterations?: number;
  /**
   * Names of features whose squares are added as extra inputs (a curved effect of e.g. recency or spend
   * history). Names that the data does not have are skipped, so one option set serves several layouts.
   */
  readonly squared?: readonly string[];
  /**
   * Drops the shared slopes: every arm gets its own ridge logistic regression (penalty `lambdaArm`), the
   * plain T-learner that serves as the simplest uplift baseline.
   */
  readonly perArm?: boolean;
}

export interface SerializedLinearUplift {
  readonly kind: 'linear-uplift';
  /** Indices of the raw features whose squares follow the raw features in the model's input. */
  readonly squared: number[];
  readonly mean: number[];
  readonly scale: number[];
  /** Per action index: intercept, then one weight per standardized feature (beta + gamma_a). */
  readonly intercept: number[];
  readonly weights: number[][];
}

export const DEFAULT_LINEAR_PARAMS: LinearUpliftParams = { lambdaShared: 1, lambdaArm: 100 };

function expand(x: readonly number[], squared: readonly number[]): number[] {
  return squared.length === 0 ? (x as number[]) : [...x, ...squared.map((j) => (x[j] as number) ** 2)];
}

export class LinearUplift {
  constructor(readonly json: SerializedLinearUplift) {
    if (json.kind !== 'linear-uplift') throw new ValidationError('not a linear uplift model');
  }

  margin(raw: readonly number[], action: number): number {
    const w = this.json.weights[action];
    if (!w) throw new ValidationError(`linear uplift model has no action ${action}`);
    const x = expand(raw, this.json.squared);
    let s = this.json.intercept[action] as number;
    for (let j = 0; j < w.length; j++)
      s += (w[j] as number) * (((x[j] as number) - (this.json.mean[j] as number)) / (this.json.scale[j] as number));
    return s;
  }

  predict(x: readonly number[], action: number): number {
    return sigmoid(this.margin(x, action));
  }

  toJSON(): SerializedLinearUplift {
    return this.json;
  }
}

/** Solves A v = b in place for a symmetric positive definite A (Cholesky). */
function solveSpd(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * m + k] as number) * (l[j * m + k] as number);
      if (i === j) {
        if (!(s > 0)) throw new ValidationError('linear uplift: Hessian is not positive definite');
        l[i * m + i] = Math.sqrt(s);
      } else {
        l[i * m + j] = s / (l[j * m + j] as number);
      }
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * m + k] as number) * (z[k] as number);
    z[i] = s / (l[i * m + i] as number);
  }
  const v = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i] as number;
    for (let k = i + 1; k < m; k++) s -= (l[k * m + i] as number) * (v[k] as number);
    v[i] = s / (l[i * m + i] as number);
  }
  return v;
}

/**
 * Penalized maximum likelihood by Newton's method. Parameters: one intercept per arm (unpenalized), the
 * shared slopes and one deviation vector per arm. `featureNames` resolves `params.squared`; `rows` restricts
 * the fit to a subset (cross-fitting).
 */
export function fitLinearUplift(
  rawX: readonly (readonly number[])[],
  action: ArrayLike<number>,
  y: ArrayLike<number>,
  actionCount: number,
  params: LinearUpliftParams = DEFAULT_LINEAR_PARAMS,
  featureNames: readonly string[] = [],
  rows?: readonly number[],
): LinearUplift {
  const idx = rows ?? Array.from({ length: rawX.length }, (_, i) => i);
  if (idx.length === 0) throw new ValidationError('cannot fit a linear uplift model on zero rows');
  const squared = (params.squared ?? []).map((name) => featureNames.indexOf(name)).filter((j) => j >= 0);
  const x: number[][] = new Array<number[]>(rawX.length);
  for (const i of idx) x[i] = expand(rawX[i] as readonly number[], squared);
  const d = (x[idx[0] as number] as number[]).length;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const i of idx)
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + ((x[i] as number[])[j] as number) / idx.length;
  for (const i of idx)
    for (let j = 0; j < d; j++)
      scale[j] = (scale[j] as number) + (((x[i] as number[])[j] as number) - (mean[j] as number)) ** 2 / idx.length;
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j] as number) || 1;
  const z = idx.map((i) =>
    Float64Array.from(
      { length: d },
      (_, j) => (((x[i] as number[])[j] as number) - (mean[j] as number)) / (scale[j] as number),
    ),
  );

  // Layout: [b_0 .. b_{A-1}] [beta (d)] [gamma_0 (d)] ... [gamma_{A-1} (d)].
  const A = actionCount;
  const m = A + d + A * d;
  const theta = new Float64Array(m);
  const counts = new Array<number>(A).fill(0);
  const sums = new Array<number>(A).fill(0);
  idx.forEach((i) => {
    const a = action[i] as number;
    counts[a] = (counts[a] as number) + 1;
    sums[a] = (sums[a] as number) + (y[i] as number);
  });
  for (let a = 0; a < A; a++) {
    if (!counts[a]) throw new ValidationError('every action needs rows for the linear uplift model', { action: a });
    const p = Math.min(1 - 1e-4, Math.max(1e-4, (sums[a] as number) / (counts[a] as number)));
    theta[a] = Math.log(p / (1 - p));
  }
  // Per-arm mode leaves the shared block out of every row, so its slopes stay at zero (only the ridge acts).
  const shared = params.perArm !== true;
  const width = shared ? 1 + 2 * d : 1 + d;
  const cols = new Int32Array(width);
  const vals = new Float64Array(width);
  const maxIter = params.maxIterations ?? 25;
  for (let iter = 0; iter < maxIter; iter++) {
    const grad = new Float64Array(m);
    const hess = new Float64Array(m * m);
    for (let r = 0; r < idx.length; r++) {
      const i = idx[r] as number;
      const a = action[i] as number;
      const zi = z[r] as Float64Array;
      cols[0] = a;
      vals[0] = 1;
      const own = shared ? 1 + d : 1;
      for (let j = 0; j < d; j++) {
        if (shared) {
          cols[1 + j] = A + j;
          vals[1 + j] = zi[j] as number;
        }
        cols[own + j] = A + d + a * d + j;
        vals[own + j] = zi[j] as number;
      }
      let s = 0;
      for (let k = 0; k < cols.length; k++) s += (theta[cols[k] as number] as number) * (vals[k] as number);
      const p = sigmoid(s);
      const g = p - (y[i] as number);
      const w = Math.max(p * (1 - p), 1e-9);
      for (let k = 0; k < cols.length; k++) {
        const ck = cols[k] as number;
        const vk = vals[k] as number;
        grad[ck] = (grad[ck] as number) + g * vk;
        const wv = w * vk;
        const row = ck * m;
        for (let l = 0; l < cols.length; l++)
          hess[row + (cols[l] as number)] = (hess[row + (cols[l] as number)] as number) + wv * (vals[l] as number);
      }
    }
    for (let k = 0; k < m; k++) {
      const lambda = k < A ? 1e-6 : k < A + d ? Math.max(params.lambdaShared, shared ? 0 : 1) : params.lambdaArm;
      grad[k] = (grad[k] as number) + lambda * (theta[k] as number);
      hess[k * m + k] = (hess[k * m + k] as number) + lambda;
    }
    const step = solveSpd(hess, grad, m);
    let change = 0;
    for (let k = 0; k < m; k++) {
      theta[k] = (theta[k] as number) - (step[k] as number);
      change = Math.max(change, Math.abs(step[k] as number));
    }
    if (change < 1e-7) break;
  }
  const intercept = Array.from({ length: A }, (_, a) => theta[a] as number);
  const weights = Array.from({ length: A }, (_, a) =>
    Array.from({ length: d }, (_, j) => (theta[A + j] as number) + (theta[A + d + a * d + j] as number)),
  );
  return new LinearUplift({ kind: 'linear-uplift', squared, mean, scale, intercept, weights });
}
